"""Interoperability of the JWT core with PyJWT, an independent mainstream implementation (on the
cryptography package): every token Wirelab signs, with every algorithm, verifies in PyJWT, and
every token PyJWT signs verifies in Wirelab; tampered tokens fail in both.

Runs `cargo run -p wirelab-core --example jwt_interop` for the Rust side.
"""
import json
import subprocess
import sys

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

ROOT = __file__.rsplit("/tests/", 1)[0]
ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


def cargo(mode, stdin=""):
    return subprocess.run(
        ["cargo", "run", "--quiet", "-p", "wirelab-core", "--example", "jwt_interop", "--", mode],
        cwd=ROOT, check=True, capture_output=True, text=True, input=stdin,
    ).stdout


def python_keys():
    """A fresh key for each algorithm, and its public JWK."""
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    curves = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}
    secret = b"a PyJWT secret that is long enough for HS512, sixty-four bytes.."
    for alg in ALGS:
        if alg.startswith("HS"):
            key = secret
            jwk = json.loads(jwt.algorithms.HMACAlgorithm.to_jwk(secret))
        elif alg[:2] in ("RS", "PS"):
            key = rsa_key
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
        elif alg == "EdDSA":
            key = ed25519.Ed25519PrivateKey.generate()
            jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))
        else:
            key = ec.generate_private_key(curves[alg])
            jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
        yield alg, key, jwk


def main():
    failures = []
    checked = 0
    # Wirelab signs, PyJWT verifies.
    signed = [json.loads(l) for l in cargo("sign").splitlines() if l.strip()]
    seen = {s["alg"] for s in signed}
    for alg in ALGS:
        if alg not in seen:
            failures.append(f"Wirelab did not sign with {alg}")
    for s in signed:
        if "error" in s:
            failures.append(f"Wirelab could not sign {s['alg']}: {s['error']}")
            continue
        key = jwt.PyJWK(s["jwk"], algorithm=s["alg"])
        try:
            claims = jwt.decode(s["token"], key, algorithms=[s["alg"]], options={"verify_iat": False})
            assert claims["alg_tested"] == s["alg"]
            checked += 1
        except Exception as e:  # any refusal is a failure of this test
            failures.append(f"PyJWT refused Wirelab's {s['alg']} token: {e!r}")
        try:
            jwt.decode(s["tampered"], key, algorithms=[s["alg"]], options={"verify_iat": False})
            failures.append(f"PyJWT accepted a tampered {s['alg']} token")
        except jwt.InvalidSignatureError:
            checked += 1
    # PyJWT signs, Wirelab verifies.
    cases = []
    for alg, key, jwk in python_keys():
        token = jwt.encode({"sub": "from-pyjwt", "alg_tested": alg}, key, algorithm=alg)
        head, payload, signature = token.split(".")
        other = jwt.utils.base64url_encode(json.dumps({"sub": "admin"}).encode()).decode()
        cases.append({"alg": alg, "label": "good", "token": token, "jwk": jwk})
        cases.append({"alg": alg, "label": "tampered", "token": f"{head}.{other}.{signature}", "jwk": jwk})
    results = [json.loads(l) for l in cargo("verify", "\n".join(json.dumps(c) for c in cases)).splitlines() if l.strip()]
    if len(results) != len(cases):
        failures.append(f"Wirelab answered {len(results)} of {len(cases)} cases")
    for r in results:
        want = r["label"] == "good"
        if r["ok"] != want:
            failures.append(f"Wirelab {'refused' if want else 'accepted'} PyJWT's {r['label']} {r['alg']} token: {r['error']}")
        else:
            checked += 1
    for f in failures:
        print("FAIL " + f)
    print(f"jwt interop (PyJWT {jwt.__version__}): {checked} checks passed, {len(failures)} failed")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
