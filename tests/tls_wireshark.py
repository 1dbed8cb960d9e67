#!/usr/bin/env python3
"""The TLS lab's captures read by Wireshark (tshark, from Debian), an independent TLS
implementation: for every built-in scenario, the capture and key log the lab exports
(printed by `cargo run -p wirelab-core --example tls_capture -- DIR`) must give

- good IPv4 and TCP checksums on every packet;
- every TLS record the lab sent, and no malformed packet;
- with the key log, every handshake message decrypted (EncryptedExtensions, Certificate,
  CertificateVerify, both Finished) and the application data decrypted to exactly the request
  and response of the scenario; without it, none of that (the key log is what decrypts);
- for TLS 1.2: the handshake in the clear (ServerKeyExchange for ECDHE suites), both
  Finished messages and the data decrypted with the CLIENT_RANDOM line, nothing past
  ClientKeyExchange without it;
- for a failed handshake, the alert.

usage: tls_wireshark.py DIR
"""
import datetime
import json
import pathlib
import subprocess
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def tshark(*args):
    out = subprocess.run(["tshark", *args], capture_output=True, text=True, check=True)
    return out.stdout


def fields(pcap, keys, *names, extra=()):
    opts = ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"]
    if keys:
        opts += ["-o", f"tls.keylog_file:{keys}"]
    text = tshark("-r", str(pcap), *opts, *extra, "-T", "fields", *sum((["-e", n] for n in names), []))
    return [line.split("\t") for line in text.splitlines()]


CLIENT = "192.0.2.10:"


def followed(pcap, keys):
    """The decrypted bytes each way, as tshark's `follow,tls,raw` prints them: lines from
    "Node 0" flush left, lines from the other node indented with a tab."""
    text = tshark("-r", str(pcap), "-o", f"tls.keylog_file:{keys}", "-q", "-z", "follow,tls,raw,0")
    node0_is_client = any(line.startswith("Node 0: " + CLIENT) for line in text.splitlines())
    left, indented = "", ""
    for line in text.splitlines():
        if not line.strip() or line.startswith(("=", "Follow:", "Filter:", "Node ")):
            continue
        if line.startswith("\t"):
            indented += line.strip()
        else:
            left += line.strip()
    return (left, indented) if node0_is_client else (indented, left)


def check_chain(meta, check):
    """The lab's certificates read by the cryptography package: each parses, its extensions
    are what RFC 5280 says they are, and the signatures hold where the chain is meant to."""
    certs = [x509.load_der_x509_certificate(bytes.fromhex(h)) for h in meta["chain"]]
    roots = [x509.load_der_x509_certificate(bytes.fromhex(h)) for h in meta["trusted"]]
    leaf = certs[0]
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    bc = leaf.extensions.get_extension_for_class(x509.BasicConstraints)
    check(bc.critical and not bc.value.ca, "the leaf's basicConstraints")
    check(leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature, "the leaf's keyUsage")
    now = datetime.datetime.fromtimestamp(meta["now"], datetime.timezone.utc)
    dated = leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc
    named = meta["host"] in san
    issuers = {c.subject.rfc4514_string(): c for c in certs[1:] + roots}

    def signed(child, parent):
        try:
            parent.public_key().verify(child.signature, child.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
            return True
        except Exception:
            return False

    path_ok, c = True, leaf
    for _ in range(4):
        if any(c == r for r in roots):
            break
        parent = issuers.get(c.issuer.rfc4514_string())
        if parent is None or not signed(c, parent) or not parent.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            path_ok = False
            break
        c = parent
    valid = dated and named and path_ok
    check(valid == (meta["refused"] is None), f"cryptography finds the chain {'valid' if valid else 'invalid'} (dates {dated}, name {named}, path {path_ok}); the lab {'accepted' if meta['refused'] is None else 'refused'} it")


def main():
    folder = pathlib.Path(sys.argv[1])
    failures, checked = [], 0
    for meta_path in sorted(folder.glob("*.json")):
        name = meta_path.stem
        meta = json.loads(meta_path.read_text())
        pcap, keys = folder / f"{name}.pcap", folder / f"{name}.keys"

        def check(ok, what):
            if not ok:
                failures.append(f"{name}: {what}")

        rows = fields(pcap, keys if meta["handshake"] else None, "frame.number", "ip.checksum.status", "tcp.checksum.status", "tls.record.content_type", "tls.handshake.type", "_ws.malformed", "_ws.expert.severity")
        check(all(r[1] == "1" and r[2] == "1" for r in rows), "a bad IPv4 or TCP checksum")
        check(not any(r[5] for r in rows), "a malformed packet")
        records = sum(len([t for t in r[3].split(",") if t]) for r in rows)
        check(records == meta["records"], f"tshark saw {records} TLS records, the lab sent {meta['records']}")
        types = [t for r in rows for t in r[4].split(",") if t]
        if meta.get("chain"):
            check_chain(meta, check)
        tls12 = meta.get("version") == "1.2"
        if tls12 and meta.get("refused"):
            # TLS 1.2 refuses in the clear, before any key exists.
            for t in ["1", "2", "11"]:
                check(t in types, f"handshake type {t} not dissected")
            check("16" not in types and "20" not in types, "a TLS 1.2 client that refused the chain went on")
            alerts = [r for r in fields(pcap, None, "tls.alert_message.desc") if r[0]]
            check(alerts == [[str(meta["refused"])]], f"the client's alert: {alerts}, expected {meta['refused']}")
        elif tls12:
            clear = ["1", "2", "11"] + (["12"] if meta["server_key_exchange"] else []) + ["14", "16"]
            for t in clear:
                check(t in types, f"TLS 1.2 handshake type {t} not dissected")
            check(("12" in types) == meta["server_key_exchange"], "ServerKeyExchange present exactly for ECDHE")
            check(types.count("20") == 2, "both Finished messages decrypted with the CLIENT_RANDOM line")
            client, server = followed(pcap, keys)
            check(client == meta["request"], f"decrypted client data {client[:40]}… differs from {meta['request'][:40]}…")
            check(server == meta["response"], f"decrypted response {server[:40]}… differs from {meta['response'][:40]}…")
            blind = [t for r in fields(pcap, None, "tls.handshake.type") for t in r[0].split(",") if t]
            check("20" not in blind, "without the key log tshark still read a Finished")
            check(set(blind) == set(clear), f"without the key log tshark read handshake types {blind}, expected {clear}")
        elif meta["handshake"] and meta.get("refused"):
            # The client refused the certificate: the server's flight decrypts, then the
            # client's alert (under its handshake key) and nothing more.
            for t in ["1", "2", "8", "11", "15", "20"]:
                check(t in types, f"handshake type {t} not decrypted and dissected")
            alerts = [r for r in fields(pcap, keys, "tls.alert_message.desc") if r[0]]
            check(alerts == [[str(meta["refused"])]], f"the client's alert: {alerts}, expected {meta['refused']}")
        elif meta["handshake"]:
            # A resumed handshake has no Certificate (11) or CertificateVerify (15): the PSK
            # authenticates the server. Accepted 0-RTT data ends with EndOfEarlyData (5).
            wanted = ["1", "2", "8", "20"] + ([] if meta["resumed"] else ["11", "15"])
            for t in wanted:
                check(t in types, f"handshake type {t} not decrypted and dissected")
            for t in ["11", "15"] if meta["resumed"] else []:
                check(t not in types, f"handshake type {t} in a resumed handshake")
            check(types.count("20") == 2, "both Finished messages")
            client, server = followed(pcap, keys)
            # The 0-RTT data is decrypted too (with CLIENT_EARLY_TRAFFIC_SECRET), before the request.
            want = meta["early"] + meta["request"]
            check(client == want, f"decrypted client data {client[:40]}… differs from {want[:40]}…")
            check(server == meta["response"], f"decrypted response {server[:40]}… differs from {meta['response'][:40]}…")
            # Without the key log, nothing after ServerHello can be read.
            blind = [t for r in fields(pcap, None, "tls.handshake.type") for t in r[0].split(",") if t]
            # (ClientHello and ServerHello, twice with a HelloRetryRequest.)
            check(set(blind) == {"1", "2"}, f"without the key log tshark still read handshake types {blind}")
        else:
            alerts = [r for r in fields(pcap, None, "tls.alert_message.desc") if r[0]]
            check(alerts in ([["40"]], [["70"]]), f"the failure's alert: {alerts}")
        checked += 1
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"tshark read {checked} TLS captures: checksums, records, decryption with the key log, and the data")


if __name__ == "__main__":
    main()
