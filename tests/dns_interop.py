"""Every DNS message the DNS lab's built-in scenarios produce, over UDP or inside a TCP
segment, must parse with dnspython, an independent implementation, to the same header,
question and records Wirelab decodes.

Reads the JSON lines printed by `cargo run -p wirelab-core --example dns_messages`.
"""
import json
import subprocess
import sys
from collections import Counter

import dns.message
import dns.rdatatype

ROOT = __file__.rsplit("/tests/", 1)[0]


def flatten(section):
    return Counter(
        (rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype), rrset.ttl, rd.to_text())
        for rrset in section
        for rd in rrset
    )


def expected(records):
    return Counter((r["name"], r["type"], r["ttl"], r["rdata"]) for r in records)


def dns_bytes(m):
    """The DNS message: the bytes themselves over UDP; over TCP, the segment's payload after the
    header (its length from the data offset) and after the two-byte length, which must match."""
    raw = bytes.fromhex(m["hex"])
    if m["transport"] == "udp":
        return raw, []
    offset = (raw[12] >> 4) * 4
    payload = raw[offset:]
    length = int.from_bytes(payload[:2], "big")
    problems = [] if length == len(payload) - 2 else [f"length prefix {length} != {len(payload) - 2} bytes that follow"]
    return payload[2:], problems


def check(m):
    wire, problems = dns_bytes(m)
    msg = dns.message.from_wire(wire)
    flags = msg.flags
    for name, bit in [("qr", dns.flags.QR), ("aa", dns.flags.AA), ("tc", dns.flags.TC), ("rd", dns.flags.RD), ("ra", dns.flags.RA)]:
        if bool(flags & bit) != m[name]:
            problems.append(f"flag {name}")
    if msg.id != m["id"]:
        problems.append("id")
    if msg.rcode() != m["rcode"]:
        problems.append(f"rcode {msg.rcode()} != {m['rcode']}")
    question = [{"name": q.name.to_text(), "type": dns.rdatatype.to_text(q.rdtype)} for q in msg.question]
    if question != m["question"]:
        problems.append(f"question {question} != {m['question']}")
    for section, ours in [(msg.answer, "answer"), (msg.authority, "authority"), (msg.additional, "additional")]:
        theirs = flatten(section)
        if theirs != expected(m[ours]):
            problems.append(f"{ours}: dnspython {sorted(theirs.items())} != wirelab {sorted(expected(m[ours]).items())}")
    return problems


def main():
    out = subprocess.run(
        ["cargo", "run", "--quiet", "-p", "wirelab-core", "--example", "dns_messages"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    messages = [json.loads(line) for line in out.splitlines() if line.strip()]
    passed = failed = 0
    for m in messages:
        if "error" in m:
            problems = [m["error"]]
        else:
            try:
                problems = check(m)
            except Exception as e:  # a parse failure in dnspython is a failure of this test
                problems = [f"dnspython could not parse it: {e!r}"]
        if problems:
            failed += 1
            print(f"FAIL {m['run']} step {m['step']}: " + "; ".join(problems))
        else:
            passed += 1
    if passed == 0:
        failed += 1
        print("FAIL no messages were checked")
    print(f"dns interop: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
