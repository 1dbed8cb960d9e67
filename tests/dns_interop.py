"""Every DNS message the DNS lab's built-in scenarios produce, over UDP or inside a TCP
segment, must parse with dnspython, an independent implementation, to the same header,
question and records Wirelab decodes. In the DNSSEC scenarios, dnspython (with the
cryptography package) also validates every RRSIG with the signer's DNSKEY, and recomputes
every DS from the child's DNSKEY.

Reads the JSON lines printed by `cargo run -p wirelab-core --example dns_messages`.
"""
import json
import subprocess
import sys
from collections import Counter

import dns.dnssec
import dns.message
import dns.name
import dns.rdatatype
import dns.rrset

# The simulation's time 0, 2026-11-22 00:00:00 UTC, when the signatures are checked.
EPOCH = 1795305600

ROOT = __file__.rsplit("/tests/", 1)[0]


def squeeze(text):
    """Presentation text without spaces: dnspython splits long base64 into chunks."""
    return "".join(text.split())


def flatten(section):
    return Counter(
        (rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype), rrset.ttl, squeeze(rd.to_text()))
        for rrset in section
        for rd in rrset
    )


def expected(records):
    # dnspython keeps the EDNS pseudo-record apart from the additional section.
    return Counter((r["name"], r["type"], r["ttl"], squeeze(r["rdata"])) for r in records if r["type"] != "OPT")


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
    if (msg.edns >= 0) != m["edns"]:
        problems.append(f"EDNS present: dnspython {msg.edns >= 0}, wirelab {m['edns']}")
    elif m["edns"] and bool(msg.ednsflags & dns.flags.DO) != m["do"]:
        problems.append("DO bit")
    if bool(msg.flags & dns.flags.AD) != m["ad"]:
        problems.append("flag ad")
    question = [{"name": q.name.to_text(), "type": dns.rdatatype.to_text(q.rdtype)} for q in msg.question]
    if question != m["question"]:
        problems.append(f"question {question} != {m['question']}")
    for section, ours in [(msg.answer, "answer"), (msg.authority, "authority"), (msg.additional, "additional")]:
        theirs = flatten(section)
        if theirs != expected(m[ours]):
            problems.append(f"{ours}: dnspython {sorted(theirs.items())} != wirelab {sorted(expected(m[ours]).items())}")
    return problems


def dnssec_checks(messages):
    """Validates every RRSIG in the runs with dnspython, using the DNSKEYs the runs fetched (a
    zone has one key in every run), and recomputes every DS from the child's DNSKEY. Returns
    (checked, problems)."""
    parsed = [(m, dns.message.from_wire(dns_bytes(m)[0])) for m in messages if "error" not in m]
    keys = {}
    for _, msg in parsed:
        for rrset in msg.answer:
            if rrset.rdtype == dns.rdatatype.DNSKEY:
                keys[rrset.name] = rrset
    checked, problems = 0, []
    for m, msg in parsed:
        run = m["run"]
        for section in (msg.answer, msg.authority):
            for sigs in [r for r in section if r.rdtype == dns.rdatatype.RRSIG]:
                for sig in sigs:
                    covered = next((r for r in section if r.name == sigs.name and r.rdtype == sig.type_covered), None)
                    where = f"{run} step {m['step']}: RRSIG over {sigs.name} {dns.rdatatype.to_text(sig.type_covered)}"
                    if covered is None or sig.signer not in keys:
                        problems.append(f"{where}: no records or no key to check it with")
                        continue
                    try:
                        dns.dnssec.validate_rrsig(covered, sig, {sig.signer: keys[sig.signer]}, now=EPOCH)
                        checked += 1
                    except dns.dnssec.ValidationFailure as e:
                        problems.append(f"{where}: dnspython says {e}")
            for ds_set in [r for r in section if r.rdtype == dns.rdatatype.DS]:
                for ds in ds_set:
                    where = f"{run} step {m['step']}: DS of {ds_set.name}"
                    child = keys.get(ds_set.name)
                    if child is None:
                        continue
                    made = [dns.dnssec.make_ds(ds_set.name, k, "SHA256") for k in child]
                    if ds in made:
                        checked += 1
                    else:
                        problems.append(f"{where}: not the SHA-256 digest of the child's DNSKEY")
    return checked, problems


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
    signed, sig_problems = dnssec_checks(messages)
    for p in sig_problems:
        print("FAIL " + p)
    if signed == 0:
        sig_problems.append("no DNSSEC signature was checked")
        print("FAIL no DNSSEC signature was checked")
    failed += len(sig_problems)
    print(f"dns interop: {passed} messages parsed alike, {signed} signatures and DS digests verified by dnspython, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
