#!/usr/bin/env python3
"""Removes the exports a page never calls from a page's wasm, in place, before wasm-bindgen.

usage: drop_exports.py PATTERN FILE.wasm [FILE.wasm ...]

Leptos always enables server_fn's `browser` feature, which links wasm-streams. That crate
exports three classes to JavaScript (IntoUnderlyingSink, IntoUnderlyingSource and
IntoUnderlyingByteSource). Wirelab has no server and calls none of them, but an export is a
root, so wasm-opt must keep the code behind it. With the exports gone from the export section,
wasm-opt removes that code: about 1.5 kB of gzip from every page. The pattern must also match
wasm-bindgen's description exports of the same names (`__wbindgen_describe_…`), or wasm-bindgen
stops at the missing symbol. It still writes the classes into the glue JS, where nothing
constructs them. A file with no matching export is left as it is, so running this twice does
nothing more.
"""
import re
import sys


def leb(data, i):
    """An unsigned LEB128 number at `i`, and the offset after it."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def uleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def drop(wasm, pattern):
    """The module without the exports whose names match `pattern`, and how many went."""
    if wasm[:8] != b"\0asm\x01\0\0\0":
        raise ValueError("not a wasm module (version 1)")
    out, i, dropped = bytearray(wasm[:8]), 8, 0
    while i < len(wasm):
        section = wasm[i]
        size, start = leb(wasm, i + 1)
        body, i = wasm[start:start + size], start + size
        if section == 7:  # the export section: a count, then name, kind and index for each
            count, k = leb(body, 0)
            kept = []
            for _ in range(count):
                name_len, name_at = leb(body, k)
                name = body[name_at:name_at + name_len].decode("utf-8")
                _, end = leb(body, name_at + name_len + 1)
                if pattern.search(name):
                    dropped += 1
                else:
                    kept.append(body[k:end])
                k = end
            body = uleb(len(kept)) + b"".join(kept)
        out += bytes([section]) + uleb(len(body)) + body
    return bytes(out), dropped


def main():
    pattern = re.compile(sys.argv[1])
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            wasm = f.read()
        smaller, dropped = drop(wasm, pattern)
        if dropped:
            # Written in place: cargo's copy in target/ is a hard link to the same file, so the
            # build stays fresh and Trunk runs wasm-bindgen on this one.
            with open(path, "r+b") as f:
                f.write(smaller)
                f.truncate()
        print(f"{path}: {dropped} exports removed")


if __name__ == "__main__":
    main()
