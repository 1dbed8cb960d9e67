#!/usr/bin/env python3
"""The DNS lab's captures read by Wireshark (tshark, from Debian), an independent DNS
dissector: for every built-in scenario, the capture the lab exports (written by
`cargo run -p wirelab-core --example dns_capture -- DIR`) must give good IPv4, UDP and TCP
checksums on every packet, no malformed packet, and every DNS message (over UDP, and over TCP
after its length) dissected with the ID and query/response flag the lab sent.

usage: dns_wireshark.py DIR
"""
import sys

from captures import each_capture, tshark_fields


def check_one(name, meta, pcap, check):
    rows = tshark_fields(pcap, ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"],
                         ["ip.checksum.status", "udp.checksum.status", "tcp.checksum.status", "_ws.malformed", "dns.id", "dns.flags.response"])
    check(len(rows) == len(meta["packets"]), f"tshark read {len(rows)} packets, the lab sent {len(meta['packets'])}")
    for i, (row, p) in enumerate(zip(rows, meta["packets"])):
        where = f"packet {i + 1}"
        check(row[0] == "1", f"{where}: bad IPv4 checksum")
        check(row[1 if p["udp"] else 2] == "1", f"{where}: bad {'UDP' if p['udp'] else 'TCP'} checksum")
        check(not row[3], f"{where}: malformed")
        if p["id"] is not None:
            check(row[4] != "" and int(row[4], 16) == p["id"], f"{where}: tshark's DNS id {row[4]}, the lab's {p['id']:#06x}")
            check(row[5] in (("1", "True") if p["response"] else ("0", "False")), f"{where}: tshark's response flag {row[5]}")
        else:
            check(row[4] == "", f"{where}: a DNS message where the lab sent none")


if __name__ == "__main__":
    each_capture(sys.argv[1], check_one, lambda n: f"tshark read {n} DNS captures: checksums, and every DNS message with its ID and flag")
