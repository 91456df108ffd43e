#!/usr/bin/env python3
"""Schemathesis hooks for scripts/fuzz-api, and the helper commands the script calls.

As hooks (SCHEMATHESIS_HOOKS=scripts/fuzz_api_hooks.py), driven by the environment:

  FUZZ_AUTH=none    anonymous: no credentials at all
  FUZZ_AUTH=staff   a node's staff session: logs in with FUZZ_USER/FUZZ_PASSWORD at FUZZ_BASE_URL (POST /api/v1/session)
                    and sends the `tambon_session` cookie on every operation that declares the `session` scheme
  FUZZ_AUTH=node    a hub: requests to the sync protocol (/v1/...) are signed as the enrolled node whose Ed25519 seed
                    is in FUZZ_NODE_KEY (hex), exactly as SPEC §9 says; report operations get a hub operator's session
                    (FUZZ_USER/FUZZ_PASSWORD). FUZZ_HUB_ID is the hub's id; FUZZ_CA the hub's CA certificate.

Besides credentials the hooks give the generators what JSON Schema cannot say: a national ID with its check digit
(format `th-national-id`), and — for schema-valid pushes — changes that are signed by the fuzzing node, stamped with
a current HLC and follow SPEC §5's cross-member rules, so the hub judges them on their merits instead of refusing
every one as `bad_signature`.

As a program:

  python3 scripts/fuzz_api_hooks.py enrol HUB_URL TOKEN OFFICE KEY_FILE CA_FILE
      a new Ed25519 key, enrolled with the hub by POST /v1/enrol (signed); writes the seed (hex) to KEY_FILE and
      prints the hub's answer.
  python3 scripts/fuzz_api_hooks.py summary NAME REPORT_JSON
      one line: test cases generated and failures of a schemathesis JSON report.
"""
import hmac
import hashlib
import importlib.util
import json
import os
import sys
import threading
import time
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HERE = os.path.dirname(os.path.abspath(__file__))


def _vectors():
    """The independent Python implementation of SPEC.md (canonical JSON) in scripts/make-test-vectors.py."""
    spec = importlib.util.spec_from_file_location("tambon_make_test_vectors", os.path.join(HERE, "make-test-vectors.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


jcs = _vectors().jcs


# --- request signing (SPEC §9) ------------------------------------------------------------------------------------

class NodeKey:
    def __init__(self, seed_hex):
        self.key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
        self.id = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


class Nonces:
    """Strictly increasing nonces, never below the wall clock in ms: a later process (the next schemathesis run with
    the same key) starts above every nonce an earlier one used."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last = 0

    def next(self):
        with self.lock:
            self.last = max(self.last + 1, int(time.time() * 1000))
            return self.last


NONCES = Nonces()


def signing_message(method, path, hub_id, nonce, body):
    return "tambon-request/1\n%s\n%s\n%s\n%d\n%s" % (method, path, hub_id, nonce, hashlib.sha256(body).hexdigest())


class SignedRequests(requests.auth.AuthBase):
    """Signs a prepared request — its method, raw path and the body bytes as they go on the wire — when it names a
    node in `Tambon-Node` (the security parameter the hub's document declares). A request without that header (what
    schemathesis sends to check that authentication is enforced) goes unsigned. `Tambon-Protocol` is an ordinary
    parameter of each operation: the generator writes it (and leaves it out or spoils it in negative cases)."""

    def __init__(self, key, hub_id):
        self.key = key
        self.hub_id = hub_id

    def __call__(self, r):
        r.headers.setdefault("Tambon-Software", "tambon-fuzz-api/1")
        if "Tambon-Node" not in r.headers:
            return r
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        nonce = NONCES.next()
        message = signing_message(r.method, urlsplit(r.url).path, self.hub_id, nonce, body)
        r.headers["Tambon-Nonce"] = str(nonce)
        r.headers["Tambon-Time"] = str(int(time.time() * 1000))
        r.headers["Tambon-Signature"] = self.key.key.sign(message.encode("utf-8")).hex()
        return r


class BankSigner:
    """A bank's confirmation as `requests` sends it, signed: `Tambon-Signature` is hex HMAC-SHA256 of the body bytes."""

    def __init__(self, secret):
        self.secret = secret.encode("utf-8")

    def __call__(self, r):
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        r.headers["Tambon-Signature"] = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        return r


def enrol(hub_url, token, office, key_file, ca_file):
    key = NodeKey(Ed25519PrivateKey.generate().private_bytes_raw().hex())
    hello = requests.get(hub_url + "/v1/hello", verify=ca_file, timeout=30).json()
    body = json.dumps({"token": token, "office": office, "name": "schemathesis", "protocol": 2}).encode()
    headers = {"Content-Type": "application/json", "Tambon-Node": key.id, "Tambon-Protocol": "2"}
    prepared = requests.Request("POST", hub_url + "/v1/enrol", data=body, headers=headers).prepare()
    SignedRequests(key, hello["hub"])(prepared)
    with requests.Session() as session:
        answer = session.send(prepared, verify=ca_file, timeout=30)
    if answer.status_code != 200:
        sys.exit("enrolment refused: %d %s" % (answer.status_code, answer.text))
    with open(key_file, "w") as f:
        f.write(key.key.private_bytes_raw().hex())
    print(json.dumps(dict(answer.json(), node=key.id)))


# --- the hooks ----------------------------------------------------------------------------------------------------

def _national_id(first, body):
    digits = [first] + body
    check = (11 - sum(d * (13 - i) for i, d in enumerate(digits)) % 11) % 10
    return "".join(map(str, digits + [check]))


def _national_id_for(text, kind):
    """`text` (a valid ID, perhaps with separators) made to agree with `kind`: first digit 1 for a person when it was
    0 or 9, 0 for a juristic person; the check digit recomputed; the separators kept where they were."""
    digits = [int(ch) for ch in text if ch.isdigit()]
    if kind == "person" and digits[0] in (0, 9):
        digits[0] = 1
    elif kind == "juristic":
        digits[0] = 0
    fixed = iter(_national_id(digits[0], digits[1:12]))
    return "".join(next(fixed) if ch.isdigit() else ch for ch in text)


def _iso_date(text):
    import datetime
    try:
        datetime.date.fromisoformat(text)
        return True
    except ValueError:
        return False


def _request_schema(document, path, method):
    """A validator for the JSON request body of one operation of an OpenAPI document in openapi/."""
    from jsonschema import Draft202012Validator

    with open(os.path.join(HERE, "..", "openapi", document), encoding="utf-8") as f:
        text = f.read().replace("#/components/schemas/", "#/$defs/")
    openapi = json.loads(text)
    schema = openapi["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return Draft202012Validator(dict(schema, **{"$defs": openapi["components"]["schemas"]}))


# Set in node mode: re-signs the changes of a schema-valid push.
PUSH_SIGNING = []


def _register_hooks():
    import schemathesis
    from hypothesis import strategies as st

    # A 13-digit ID with a valid check digit (a juristic person's starts with 0), sometimes written with the dashes of
    # the card.
    def _layout(digits):
        return st.sampled_from([digits, "%s-%s-%s-%s-%s" % (digits[0], digits[1:5], digits[5:10], digits[10:12], digits[12])])

    national_ids = st.builds(_national_id, st.integers(0, 9), st.lists(st.integers(0, 9), min_size=11, max_size=11)).flatmap(_layout)
    schemathesis.openapi.format("th-national-id", national_ids)

    # Rules across parameters that a schema cannot state, applied just before each request goes (in every phase, and
    # schemathesis revalidates the case afterwards): a report's `to` is not before its `from`; an applicant's `kind`
    # agrees with the first digit of the national ID; an attachment is a PDF, JPEG or PNG by its first bytes; a push
    # carries changes this node signed (see _register_push_signing). A body is brought into line only where the rest
    # of it is valid by the document, so negative cases stay negative.
    applications = _request_schema("tambon-node.openapi.json", "/api/v1/applications", "post")

    @schemathesis.hook
    def before_call(context, case, kwargs):
        path, method = case.operation.path, case.method.upper()
        query = case.query if isinstance(case.query, dict) else {}
        if isinstance(query.get("from"), str) and isinstance(query.get("to"), str):
            if _iso_date(query["from"]) and _iso_date(query["to"]) and query["from"] > query["to"]:
                case.query = dict(query, **{"from": query["to"], "to": query["from"]})
        body = case.body
        if path == "/v1/push" and PUSH_SIGNING:
            case.body = PUSH_SIGNING[0](body)
        elif path == "/api/v1/applications/{id}/attachments" and isinstance(body, dict):
            # A form part is text on the wire: a generated `true` or `5` arrives as the string "true" or "5", which is
            # what the case then is. The node takes PDF, JPEG and PNG by their first bytes, which no schema of a
            # binary part can say: a file without one gets "%PDF-" in front (ASCII, so as bytes or as text).
            body = {k: (v if isinstance(v, (str, bytes)) else json.dumps(v) if not isinstance(v, bool) else str(v).lower())
                    for k, v in body.items()}
            data = body.get("file")
            if isinstance(data, (str, bytes)):
                magic = [m if isinstance(data, bytes) else m.decode("latin-1") for m in (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")]
                if not data.startswith(tuple(magic)):
                    body["file"] = magic[0] + data
            case.body = body
        elif path == "/api/v1/applications" and method == "POST" and applications.is_valid(body):
            applicant = body["applicant"]
            if applicant.get("kind") in ("person", "juristic"):
                case.body = dict(body, applicant=dict(applicant, national_id=_national_id_for(applicant["national_id"], applicant["kind"])))

    mode = os.environ.get("FUZZ_AUTH", "none")
    base = os.environ.get("FUZZ_BASE_URL", "")
    verify = os.environ.get("FUZZ_CA") or True
    signer = None
    if mode == "node":
        key = NodeKey(open(os.environ["FUZZ_NODE_KEY"]).read().strip())
        signer = SignedRequests(key, os.environ["FUZZ_HUB_ID"])
        _register_push_signing(key)

    if mode in ("staff", "node"):
        def login():
            answer = requests.post(
                base + "/api/v1/session", json={"username": os.environ["FUZZ_USER"], "password": os.environ["FUZZ_PASSWORD"]},
                verify=verify, timeout=30)
            answer.raise_for_status()
            return answer.cookies["tambon_session"]

        @schemathesis.auth(refresh_interval=None)
        class Credentials:
            """The session cookie (a fresh one for each logout, so logging out never ends the shared session) and,
            for the sync protocol, the node's signature."""

            session = None

            def get(self, case, context):
                if case.path == "/v1/bank/confirmations":
                    return "bank"
                if case.path.startswith("/v1/"):
                    return "node"
                if case.method.upper() == "DELETE" and case.path == "/api/v1/session":
                    return login()
                if Credentials.session is None:
                    Credentials.session = login()
                return Credentials.session

            def set(self, case, data, context):
                if data == "bank":
                    # The bank the hub was given (FUZZ_BANK_NAME, FUZZ_BANK_SECRET), signing the body as sent.
                    case.headers = dict(case.headers or {}, **{"Tambon-Bank": os.environ.get("FUZZ_BANK_NAME", "fuzzbank")})
                    case._auth = BankSigner(os.environ.get("FUZZ_BANK_SECRET", ""))
                elif data == "node":
                    if case.path != "/v1/hello":
                        case.headers = dict(case.headers or {}, **{"Tambon-Node": signer.key.id})
                    # What schemathesis.auth.set_from_requests does: `requests` calls the signer with the prepared
                    # request, whose body bytes are the ones that go on the wire.
                    case._auth = signer
                else:
                    case.cookies = dict(case.cookies or {}, tambon_session=data)


def _register_push_signing(key):
    """A schema-valid push (by the document) becomes a push this node could have sent: every change is re-signed by
    the node, with a current HLC and the rules of SPEC §5 that JSON Schema cannot state (scope sorted, `prev` null
    exactly at seq 1, no field set twice or both set and added, no element added twice). The hub may still refuse it
    — a gap in the chain (409), a fork (409), the authority rules (403) — as it would a real node's. A push that
    breaks the document goes as generated."""
    valid = _request_schema("tambon-hub.openapi.json", "/v1/push", "post")

    def fix_numbers(value):
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int) and abs(value) > 2**53:
            return float(value) if abs(value) < 1e308 else 0
        if isinstance(value, list):
            return [fix_numbers(v) for v in value]
        if isinstance(value, dict):
            return {k: fix_numbers(v) for k, v in value.items()}
        return value

    def sign(change):
        change = fix_numbers(change)
        change.pop("hash", None)
        change["origin"] = key.id
        change["hlc"] = "%016x" % (int(time.time() * 1000) << 16)
        change["scope"] = sorted(set(change["scope"]), key=lambda s: s.encode())
        ops, set_fields, added, add_fields = [], set(), set(), set()
        for op in change["ops"]:
            if op["op"] == "set" and op["field"] not in set_fields and op["field"] not in add_fields:
                set_fields.add(op["field"])
                ops.append(op)
            elif op["op"] == "add" and (op["field"], op["id"]) not in added and op["field"] not in set_fields:
                added.add((op["field"], op["id"]))
                add_fields.add(op["field"])
                ops.append(op)
        change["ops"] = ops
        if change["seq"] == 1:
            change["prev"] = None
        elif change.get("prev") is None:
            change["prev"] = "0" * 64
        body = {k: v for k, v in change.items() if k not in ("hash", "sig")}
        digest = hashlib.sha256(jcs(body).encode("utf-8")).digest()
        change["sig"] = key.key.sign(digest).hex()
        return change

    def resign(body):
        if not isinstance(body, dict) or not valid.is_valid(body):
            return body
        try:
            return dict(body, changes=[sign(dict(change)) for change in body["changes"]])
        except (KeyError, TypeError, ValueError):
            return body

    PUSH_SIGNING.append(resign)


# --- summaries ----------------------------------------------------------------------------------------------------

def summary(name, path):
    report = json.load(open(path, encoding="utf-8"))
    cases = report["test_cases"]
    failures = sum(f["count"] for f in report.get("failures", []))
    errors = len(report.get("errors", []))
    stateful = report.get("phases", {}).get("stateful", {}).get("status")
    print("%-12s %5d test cases, %3d with failures, %3d unique failures, %2d errors (operations tested %d/%d; stateful %s)" % (
        name, cases["generated"], cases["with_failures"], failures, errors, report["operations"]["tested"],
        report["operations"]["selected"], stateful))
    for failure in report.get("failures", []):
        print("    %s %s ×%d: %s" % (failure["code"], failure["title"], failure["count"], ", ".join(failure["operations"])))
    return 1 if (failures or errors or report.get("exit_code")) else 0


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "enrol":
        enrol(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "summary":
        sys.exit(summary(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
else:
    _register_hooks()
