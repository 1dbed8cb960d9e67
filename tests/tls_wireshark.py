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
- for a failed handshake, the alert;
- for revocation: the CA's CRL, OCSP request and OCSP responses read by the cryptography
  package (signatures by the issuing CA, the CertID hashes computed here, the status), and a
  stapled response dissected by tshark with the status the lab meant.

usage: tls_wireshark.py DIR
"""
import datetime
import json
import pathlib
import subprocess
import sys

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp


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
    # (A revoked certificate's chain is valid: the revocation check refuses it.)
    check(valid == (meta["chain_refused"] is None), f"cryptography finds the chain {'valid' if valid else 'invalid'} (dates {dated}, name {named}, path {path_ok}); the lab {'accepted' if meta['refused'] is None else 'refused'} it")


def check_revocation(meta, check):
    """The issuing CA's CRL and OCSP answers, and the client's OCSP request, as the cryptography
    package reads them."""
    rev = meta["revocation"]
    leaf = x509.load_der_x509_certificate(bytes.fromhex(meta["chain"][0]))
    issuer = x509.load_der_x509_certificate(bytes.fromhex(rev["issuer"]))
    key = issuer.public_key()
    now = datetime.datetime.fromtimestamp(meta["now"], datetime.timezone.utc)
    points = leaf.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    check([n.value for p in points for n in p.full_name] == ["http://crl.lab.example/issuing-ca.crl"], "the leaf's CRL distribution point")
    aia = leaf.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    check([a.access_location.value for a in aia if a.access_method == x509.AuthorityInformationAccessOID.OCSP] == ["http://ocsp.lab.example"], "the leaf's OCSP address")
    crl = x509.load_der_x509_crl(bytes.fromhex(rev["crl"]))
    check(crl.is_signature_valid(key), "the CRL's signature by the issuing CA")
    check(crl.issuer == issuer.subject, "the CRL's issuer")
    check(crl.last_update_utc <= now <= crl.next_update_utc, "the CRL is current")
    listed = crl.get_revoked_certificate_by_serial_number(leaf.serial_number)
    check((listed is not None) == rev["revoked"], f"the leaf's serial {'is' if listed else 'is not'} on the CRL")
    name_hash = hashlib.sha256(issuer.subject.public_bytes()).digest()
    key_hash = hashlib.sha256(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)).digest()
    request = ocsp.load_der_ocsp_request(bytes.fromhex(rev["request"]))
    check((request.serial_number, request.issuer_name_hash, request.issuer_key_hash) == (leaf.serial_number, name_hash, key_hash), "the OCSP request's CertID")
    want = ocsp.OCSPCertStatus.REVOKED if rev["revoked"] else ocsp.OCSPCertStatus.GOOD
    for h in rev["ocsp"] + ([meta["staple"]] if meta.get("staple") else []):
        r = ocsp.load_der_ocsp_response(bytes.fromhex(h))
        check(r.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL, "the OCSP response's status")
        check(r.certificate_status == want, f"the OCSP answer says {r.certificate_status}")
        check((r.issuer_name_hash, r.issuer_key_hash) == (name_hash, key_hash), "the OCSP answer's CertID hashes")
        try:
            key.verify(r.signature, r.tbs_response_bytes, ec.ECDSA(hashes.SHA256()))
        except Exception:
            check(False, "the OCSP answer's signature by the issuing CA")
    check(meta["staple"] is None or meta["staple"] in rev["ocsp"], "the staple is the CA's answer")


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
        if meta.get("revocation"):
            check_revocation(meta, check)
        if meta.get("staple"):
            # tshark reads the stapled answer (in TLS 1.3 only with the key log: it is inside
            # the encrypted Certificate).
            status = [r for r in fields(pcap, keys if meta["handshake"] else None, "ocsp.certStatus") if r[0]]
            want = "1" if meta["revocation"]["revoked"] else "0"
            check(status == [[want]], f"tshark read the stapled certStatus {status}, expected {want}")
        tls12 = meta.get("version") == "1.2"
        if tls12 and meta.get("refused"):
            # TLS 1.2 refuses in the clear, before any key exists.
            for t in ["1", "2", "11"]:
                check(t in types, f"handshake type {t} not dissected")
            check("16" not in types and "20" not in types, "a TLS 1.2 client that refused the chain went on")
            alerts = [r for r in fields(pcap, None, "tls.alert_message.desc") if r[0]]
            check(alerts == [[str(meta["refused"])]], f"the client's alert: {alerts}, expected {meta['refused']}")
        elif tls12:
            clear = ["1", "2", "11"] + (["22"] if meta.get("staple") else []) + (["12"] if meta["server_key_exchange"] else []) + ["14", "16"]
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
