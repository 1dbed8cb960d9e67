#!/usr/bin/env python3
"""The DNS lab's captures read by Wireshark (tshark, from Debian), an independent DNS
dissector: for every built-in scenario, the capture the lab exports (written by
`cargo run -p wirelab-core --example dns_capture -- DIR`) must give good IPv4, UDP and TCP
checksums on every packet, no malformed packet, and every DNS message (over UDP, and over TCP
after its length) dissected with the ID and query/response flag the lab sent.

usage: dns_wireshark.py DIR
"""
import json
import pathlib
import subprocess
import sys


def main():
    folder = pathlib.Path(sys.argv[1])
    failures, checked = [], 0
    for meta_path in sorted(folder.glob("*.json")):
        name = meta_path.stem
        meta = json.loads(meta_path.read_text())
        out = subprocess.run(
            ["tshark", "-r", str(folder / f"{name}.pcap"), "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
             "-T", "fields", "-e", "ip.checksum.status", "-e", "udp.checksum.status", "-e", "tcp.checksum.status", "-e", "_ws.malformed", "-e", "dns.id", "-e", "dns.flags.response"],
            capture_output=True, text=True, check=True).stdout
        rows = [line.split("\t") for line in out.splitlines()]

        def check(ok, what):
            if not ok:
                failures.append(f"{name}: {what}")

        check(len(rows) == len(meta["packets"]), f"tshark read {len(rows)} packets, the lab sent {len(meta['packets'])}")
        for i, (row, p) in enumerate(zip(rows, meta["packets"])):
            where = f"packet {i + 1}"
            check(row[0] == "1", f"{where}: bad IPv4 checksum")
            check(row[1 if p["udp"] else 2] == "1", f"{where}: bad {'UDP' if p['udp'] else 'TCP'} checksum")
            check(not row[3], f"{where}: malformed")
            if p["id"] is not None:
                check(row[4] != "" and int(row[4], 16) == p["id"], f"{where}: tshark's DNS id {row[4]}, the lab's {p['id']:#06x}")
                check(row[5] == ("1" if p["response"] else "0") or row[5] == ("True" if p["response"] else "False"), f"{where}: tshark's response flag {row[5]}")
            else:
                check(row[4] == "", f"{where}: a DNS message where the lab sent none")
        checked += 1
    if failures:
        print("\n".join(failures[:40]))
        sys.exit(1)
    print(f"tshark read {checked} DNS captures: checksums, and every DNS message with its ID and flag")


if __name__ == "__main__":
    main()
