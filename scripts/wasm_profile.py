#!/usr/bin/env python3
"""What each page's wasm is made of: twiggy's per-function sizes, summed by crate (and, for
Wirelab's own crates, by module, which is by lab). Used by scripts/bench.sh.

usage: wasm_profile.py PAGE=twiggy.csv [PAGE=twiggy.csv ...]
Each CSV is `twiggy top -n 1000000 --format csv` of a page's wasm with its name section, after
wasm-bindgen and before wasm-opt (the shipped file is about a fifth smaller; the shares hold).
"""
import collections
import csv
import re
import sys

STD = {"core", "alloc", "std", "hashbrown", "dlmalloc", "compiler_builtins"}


def area(name):
    """The crate (or own module) a twiggy item belongs to."""
    if name.startswith("data["):
        return "data (text, tables)"
    name = re.sub(r"\[[0-9a-f]{16}\]", "", name)
    # `<T as Trait>::f`: the trait's crate does the work for view and serde code; the type's
    # crate otherwise.
    m = re.match(r"<(.+?) as ([A-Za-z0-9_]+)::", name)
    crate = None
    if m:
        own = m.group(1).lstrip("&*").removeprefix("mut ").removeprefix("dyn ")
        crate = m.group(2) if m.group(2) not in STD else own.split("::")[0].split("<")[0]
    else:
        crate = name.lstrip("<&*").split("::")[0].split("<")[0]
    if crate in ("wirelab_core", "wirelab"):
        # `<wirelab::labs::LabSession<…>>::new` belongs to `wirelab::labs`.
        parts = re.sub(r"<.*", "", name.lstrip("<&*")).split("::")
        if len(parts) > 2 and parts[1] == "labs":
            return f"{crate}::labs::{parts[2]}"
        return f"{crate}::{parts[1]}" if len(parts) > 1 else crate
    if crate in ("wirelab", "tcp", "dns", "jwt", "ratelimit") and crate != "wirelab":
        return "the page's binary (src/bin)"
    if crate in STD:
        return "std, core, alloc"
    if crate in ("tachys", "reactive_graph", "leptos", "leptos_dom", "leptos_macro", "any_spawner", "or_poisoned"):
        return "leptos (tachys, reactive_graph)"
    if crate.startswith("serde"):
        return "serde, serde_json"
    if crate in ("wasm_bindgen", "js_sys", "web_sys", "wasm_bindgen_futures"):
        return "wasm-bindgen, js-sys, web-sys"
    return crate if re.fullmatch(r"[a-z][a-z0-9_]*", crate or "") else "unnamed (glue, tables)"


def main():
    for arg in sys.argv[1:]:
        page, path = arg.split("=", 1)
        sizes = collections.Counter()
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                name = row["Name"]
                if "function names" in name or name.startswith("custom section") or name.startswith("Σ"):
                    continue
                sizes[area(name)] += int(row["ShallowSize"])
        total = sum(sizes.values())
        print(f"\n{page}: {total / 1024:.0f} KiB before wasm-opt")
        for name, size in sizes.most_common(14):
            print(f"  {size / 1024:7.1f} KiB {100 * size / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
