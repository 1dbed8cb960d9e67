"""What the capture checks share (tests/*_wireshark.py): each built-in scenario's files in a
folder, tshark's fields for a capture, and failures gathered and printed at the end."""
import json
import pathlib
import subprocess
import sys


def tshark_fields(pcap, options, names):
    """tshark's values of `names` for each packet of `pcap`, as lists of strings."""
    args = ["tshark", "-r", str(pcap), *options, "-T", "fields", *sum((["-e", n] for n in names), [])]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def each_capture(folder, check_one, done):
    """Calls check_one(name, meta, pcap, check) for each `<name>.json` in `folder`; `check(ok,
    what)` records a failure. Prints the failures and exits 1, or prints `done(count)`."""
    folder = pathlib.Path(folder)
    failures, checked = [], 0
    for meta_path in sorted(folder.glob("*.json")):
        name = meta_path.stem

        def check(ok, what, name=name):
            if not ok:
                failures.append(f"{name}: {what}")

        check_one(name, json.loads(meta_path.read_text()), folder / f"{name}.pcap", check)
        checked += 1
    if failures:
        print("\n".join(failures[:40]))
        sys.exit(1)
    print(done(checked))
