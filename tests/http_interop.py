#!/usr/bin/env python3
"""The HTTP/1.1 bytes the labs write, read by an independent parser: Python's http.client.

Every message of the HTTP, caching and OAuth labs' built-in scenarios, and chunked messages of
random sizes (`cargo run -p wirelab-core --example http_messages`), is read by http.client (a
response with HTTPResponse; a request's line by hand, its fields with http.client.parse_headers
and its body with HTTPResponse's framing code) and must give exactly what the core's own reader
gives: the start line, every field name and value in order, and the body, chunked or not.
"""
import http.client
import io
import json
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


class Sock:
    def __init__(self, data):
        self.data = data

    def makefile(self, mode):
        return io.BytesIO(self.data)


def same_value(ours, theirs):
    """http.client reads field values as Latin-1; the core as UTF-8 when the bytes are."""
    raw = theirs.encode("latin-1")
    for codec in ("latin-1", "utf-8"):
        try:
            if ours.encode(codec) == raw:
                return True
        except UnicodeEncodeError:
            pass
    return False


def read(raw, head):
    """Start line, fields and body of one message, as http.client reads them."""
    if raw.startswith(b"HTTP/"):
        r = http.client.HTTPResponse(Sock(raw), method="HEAD" if head else "GET")
        r.begin()
        version = {10: "HTTP/1.0", 11: "HTTP/1.1"}[r.version]
        start = f"{version} {r.status} {r.reason}" if r.reason else f"{version} {r.status} "
        return start, r.getheaders(), r.read()
    f = io.BytesIO(raw)
    start = f.readline().decode("ascii").rstrip("\r\n")
    fields = http.client.parse_headers(f)
    headers = list(fields.items())
    framed = fields.get("Transfer-Encoding") or fields.get("Content-Length")
    if not framed:
        return start, headers, b""
    # The body: http.client's own framing code (chunked or Content-Length), given the fields.
    rest = raw[raw.index(b"\r\n") + 2:]
    r = http.client.HTTPResponse(Sock(b"HTTP/1.1 200 OK\r\n" + rest), method="POST")
    r.begin()
    return start, headers, r.read()


def main():
    out = subprocess.run(["cargo", "run", "--quiet", "-p", "wirelab-core", "--example", "http_messages"], cwd=ROOT, check=True, capture_output=True).stdout.decode()
    failures = []
    counts = {"requests": 0, "responses": 0, "chunked": 0}
    for line in out.splitlines():
        m = json.loads(line)
        raw = bytes.fromhex(m["hex"])
        problems = []
        try:
            start, headers, body = read(raw, m["head"])
        except Exception as e:  # any refusal by http.client is a failure
            failures.append(f"{m['source']}: http.client refused it: {e!r}")
            continue
        if start.rstrip() != m["start"].rstrip():
            problems.append(f"start line {start!r}, core {m['start']!r}")
        if len(headers) != len(m["headers"]) or any(n != on or not same_value(ov, v) for (n, v), (on, ov) in zip(headers, m["headers"])):
            problems.append(f"fields {headers!r}, core {m['headers']!r}")
        if body != bytes.fromhex(m["body"]):
            problems.append(f"body {body[:60]!r}… ({len(body)} bytes), core {len(m['body']) // 2} bytes")
        if problems:
            failures.append(f"{m['source']}: " + "; ".join(problems))
        counts["responses" if raw.startswith(b"HTTP/") else "requests"] += 1
        counts["chunked"] += isinstance(m["framing"], dict) and "chunked" in m["framing"]
    print(f"HTTP/1.1: {counts['requests']} requests and {counts['responses']} responses ({counts['chunked']} chunked) read by http.client as the core reads them; {len(failures)} differed")
    if failures:
        print("\n".join(failures[:20]))
        sys.exit(1)


main()
