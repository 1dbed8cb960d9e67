#!/usr/bin/env python3
"""The TCP lab's captures read by Wireshark (tshark, from Debian), an independent TCP
dissector: for every built-in scenario, the capture the lab exports (written by
`cargo run -p wirelab-core --example tcp_capture -- DIR`) must give good IPv4 and TCP
checksums on every packet, no malformed packet, and for each segment the same relative
sequence number, acknowledgment number and payload length that the lab's step label shows.

usage: tcp_wireshark.py DIR
"""
import sys

from captures import each_capture, tshark_fields


def check_one(name, meta, pcap, check):
    rows = tshark_fields(pcap, ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE"],
                         ["ip.checksum.status", "tcp.checksum.status", "_ws.malformed", "tcp.seq", "tcp.ack", "tcp.len", "tcp.flags.ack", "tcp.seq_raw"])
    check(len(rows) == len(meta["packets"]), f"tshark read {len(rows)} packets, the lab captured {len(meta['packets'])}")
    for row, p in zip(rows, meta["packets"]):
        check(row[0] == "1" and row[1] == "1", f"a bad checksum on {p['label']}")
        check(not row[2], f"{p['label']} is malformed")
        if p["seq"] is not None:
            # A reset that answers a SYN, from a side with no connection (so no initial
            # sequence number to count from), carries seq 0 itself (RFC 9293 section 3.10.7.1).
            seq = int(row[7]) if " RST" in p["label"] and "SYN" not in p["label"] and p["seq"] == 0 else int(row[3])
            check(seq == p["seq"], f"{p['label']}: tshark's seq is {seq}")
        if p["ack"] is not None:
            check(row[6] == "1" and int(row[4]) == p["ack"], f"{p['label']}: tshark's relative ack is {row[4]}")
        check(int(row[5]) == p["len"], f"{p['label']}: tshark's payload length is {row[5]}")


if __name__ == "__main__":
    each_capture(sys.argv[1], check_one, lambda n: f"tshark read {n} TCP captures: checksums, and every segment's seq, ack and length as the lab labels them")
