#!/usr/bin/env python3
"""Password hashes made by the cookies lab's core, checked by independent implementations:
argon2-cffi (the reference C implementation of Argon2), the bcrypt package (OpenBSD's bcrypt)
and Python's hashlib (scrypt, SHA-256).

For each hash `cargo run --release -p wirelab-core --example password_hashes` prints, the other
implementation must (1) accept the right password and refuse a wrong one, and (2) with the same
salt and parameters, make exactly the same string, byte for byte.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys

import argon2
import argon2.low_level
import bcrypt

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def b64_phc(data):
    return base64.b64encode(data).decode().rstrip("=")


def unb64_phc(text):
    return base64.b64decode(text + "=" * (-len(text) % 4))


def params(text):
    return {k: int(v) for k, v in (p.split("=") for p in text.split(","))}


def check(case):
    scheme, password, salt, ours = case["scheme"], case["password"].encode(), bytes.fromhex(case["salt"]), case["encoded"]
    wrong = password + b"x"
    if scheme == "argon2id":
        _, name, version, p, salt_text, _ = ours.split("$")
        p = params(p)
        assert name == "argon2id" and version == "v=19", ours
        assert unb64_phc(salt_text) == salt, ours
        theirs = argon2.low_level.hash_secret(password, salt, time_cost=p["t"], memory_cost=p["m"], parallelism=p["p"], hash_len=32, type=argon2.low_level.Type.ID, version=19).decode()
        assert theirs == ours, f"argon2-cffi made {theirs}, the core {ours}"
        hasher = argon2.PasswordHasher()
        assert hasher.verify(ours, password)
        try:
            hasher.verify(ours, wrong)
            raise AssertionError(f"argon2-cffi accepted a wrong password for {ours}")
        except argon2.exceptions.VerifyMismatchError:
            pass
    elif scheme == "bcrypt":
        # bcrypt reads the password up to 72 bytes (the package refuses longer ones outright).
        theirs = bcrypt.hashpw(password[:72], ours[:29].encode()).decode()
        assert theirs == ours, f"bcrypt made {theirs}, the core {ours}"
        assert bcrypt.checkpw(password[:72], ours.encode())
        assert len(password) >= 72 or not bcrypt.checkpw(wrong[:72], ours.encode()), ours
    elif scheme == "scrypt":
        _, name, p, salt_text, key_text = ours.split("$")
        p = params(p)
        assert name == "scrypt" and unb64_phc(salt_text) == salt, ours
        n = 2 ** p["ln"]
        key = hashlib.scrypt(password, salt=salt, n=n, r=p["r"], p=p["p"], dklen=32, maxmem=256 * n * p["r"] + (1 << 20))
        assert b64_phc(key) == key_text, f"hashlib.scrypt made {b64_phc(key)}, the core {key_text}"
        assert hashlib.scrypt(wrong, salt=salt, n=n, r=p["r"], p=p["p"], dklen=32, maxmem=256 * n * p["r"] + (1 << 20)) != key
    elif scheme == "sha256":
        assert hashlib.sha256(password).hexdigest() == ours, ours
    else:
        raise AssertionError(f"unknown scheme {scheme}")


def main():
    count = sys.argv[1] if len(sys.argv) > 1 else "60"
    out = subprocess.run(["cargo", "run", "--release", "--quiet", "-p", "wirelab-core", "--example", "password_hashes", "--", count], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    cases = [json.loads(line) for line in out.splitlines() if line.strip()]
    kinds = {}
    for case in cases:
        check(case)
        kinds[case["scheme"]] = kinds.get(case["scheme"], 0) + 1
    long = sum(1 for c in cases if len(c["password"].encode()) > 72)
    print(f"password hashes: {len(cases)} checked ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}; {long} passwords past 72 bytes), 0 differ")


if __name__ == "__main__":
    main()
