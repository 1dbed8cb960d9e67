"""The OAuth lab against independent code: every ID token, access token and client assertion
the lab signs is verified by PyJWT (on the cryptography package) with the keys the server and
client publish, with PyJWT's own audience, issuer and expiry checks; every query string and form
body is parsed by Python's urllib.parse; Basic credentials are decoded by its base64 and
unquote_plus; and every PKCE challenge is recomputed with hashlib from the verifier the client
later sends (RFC 7636 section 4.2).

Runs `cargo run -p wirelab-core --example oauth_messages` for the Rust side.
"""
import base64
import hashlib
import json
import subprocess
import sys
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import jwt

ROOT = __file__.rsplit("/tests/", 1)[0]


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parse_http(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("utf-8").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(": ")
        headers[name.lower()] = value
    length = headers.get("content-length")
    if length is not None and int(length) != len(body):
        raise AssertionError(f"Content-Length {length} but the body has {len(body)} bytes")
    return lines[0], headers, body


def form(text):
    return parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))


def main():
    out = subprocess.run(["cargo", "run", "--quiet", "-p", "wirelab-core", "--example", "oauth_messages"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    counts = {"messages": 0, "forms": 0, "queries": 0, "basic": 0, "pkce": 0, "id_tokens": 0, "access_tokens": 0, "assertions": 0, "at_hash": 0}
    failures = []
    for line in out.splitlines():
        run = json.loads(line)
        rid = run["id"]
        server_keys = {k["kid"]: jwt.PyJWK(k) for k in run["jwks"]["keys"]}
        client_keys = {k["kid"]: jwt.PyJWK(k) for k in run["client_jwks"]["keys"]}
        challenges = {}
        nonces = set()
        for m in run["messages"]:
            counts["messages"] += 1
            try:
                start, headers, body = parse_http(b64url_decode(m["bytes"]))
                pairs = []
                if not start.startswith("HTTP/1.1 "):
                    target = start.split(" ")[1]
                    if "?" in target:
                        pairs += form(urlsplit(target).query)
                        counts["queries"] += 1
                if "location" in headers and "?" in headers["location"]:
                    pairs += form(urlsplit(headers["location"]).query)
                    counts["queries"] += 1
                fragment = {}
                if "location" in headers and "#" in headers["location"]:
                    # The implicit grant's tokens, in the fragment.
                    fragment = dict(form(urlsplit(headers["location"]).fragment))
                    counts["queries"] += 1
                if headers.get("content-type") == "application/x-www-form-urlencoded":
                    pairs += form(body.decode("ascii"))
                    counts["forms"] += 1
                params = dict(pairs)
                if "code_challenge" in params:
                    challenges[params["code_challenge"]] = params.get("code_challenge_method", "plain")
                if "nonce" in params:
                    nonces.add(params["nonce"])
                if "code_verifier" in params:
                    v = params["code_verifier"]
                    s256 = b64url(hashlib.sha256(v.encode("ascii")).digest())
                    ok = (s256 in challenges and challenges[s256] == "S256") or (challenges.get(v) == "plain")
                    refused = m["from"] == "attacker"
                    if not ok and not refused:
                        raise AssertionError(f"no challenge in this run matches the verifier {v}")
                    counts["pkce"] += 1
                auth = headers.get("authorization", "")
                if auth.startswith("Basic "):
                    user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                    user, password = unquote_plus(user), unquote_plus(password)
                    # The client's credentials (or the wrong secret a scenario sends), or the
                    # API's own at the introspection endpoint.
                    if (user, password) not in ((run["client_id"], run["client_secret"]), (run["client_id"], run["client_secret"] + "x"), tuple(run["api_credentials"])):
                        raise AssertionError(f"Basic credentials {user}:{password}")
                    counts["basic"] += 1
                if "client_assertion" in params:
                    header = jwt.get_unverified_header(params["client_assertion"])
                    # The lab's clock is its own date, so PyJWT's expiry check (against this
                    # machine's clock) is replaced by exp > iat.
                    claims = jwt.decode(params["client_assertion"], client_keys[header["kid"]], algorithms=["ES256"], audience=run["token_endpoint"], issuer=run["client_id"], options={"require": ["exp", "iat", "jti", "sub"], "verify_exp": False})
                    if claims["sub"] != run["client_id"] or claims["exp"] <= claims["iat"]:
                        raise AssertionError("assertion sub or exp")
                    counts["assertions"] += 1
                tokens = None
                if headers.get("content-type") == "application/json" and start.startswith("HTTP/1.1 200") and b"access_token" in body:
                    tokens = json.loads(body)
                elif "access_token" in fragment:
                    tokens = fragment
                if tokens is not None:
                    access = tokens["access_token"]
                    h = jwt.get_unverified_header(access)
                    if h.get("typ") != "at+jwt":
                        raise AssertionError("access token typ")
                    claims = jwt.decode(access, server_keys[h["kid"]], algorithms=[h["alg"]], audience=run["api"], issuer=run["issuer"], options={"require": ["exp", "iat", "sub", "jti"], "verify_exp": False})
                    if claims["exp"] <= claims["iat"]:
                        raise AssertionError("access token exp")
                    counts["access_tokens"] += 1
                    if "id_token" in tokens:
                        h = jwt.get_unverified_header(tokens["id_token"])
                        claims = jwt.decode(tokens["id_token"], server_keys[h["kid"]], algorithms=[h["alg"]], audience=run["client_id"], issuer=run["issuer"], options={"require": ["exp", "iat", "sub", "auth_time"], "verify_exp": False})
                        if claims["exp"] <= claims["iat"]:
                            raise AssertionError("ID token exp")
                        if "nonce" in claims and claims["nonce"] not in nonces:
                            raise AssertionError("the ID token's nonce was never sent")
                        half = b64url(hashlib.sha256(access.encode("ascii")).digest()[:16])
                        if claims["at_hash"] != half:
                            raise AssertionError("at_hash")
                        counts["id_tokens"] += 1
                        counts["at_hash"] += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported with its message
                failures.append(f"{rid} / {m['label']}: {type(e).__name__}: {e}")
    print(" ".join(f"{k} {v}" for k, v in counts.items()))
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    for k in ("forms", "queries", "basic", "pkce", "id_tokens", "access_tokens", "assertions"):
        if counts[k] == 0:
            print(f"nothing checked for {k}")
            sys.exit(1)


if __name__ == "__main__":
    main()
