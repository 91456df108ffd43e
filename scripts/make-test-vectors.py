#!/usr/bin/env python3
"""Writes sync-protocol/test-vectors/*.json from an independent Python implementation of SPEC.md.

The Swift tests read these files and must reproduce every byte, hash and signature: that is the check that the
specification is precise enough for a second implementation. Needs the `cryptography` package (pip). Output is
deterministic (fixed keys, Ed25519 signatures are deterministic), so re-running it changes nothing.

    python3 scripts/make-test-vectors.py
"""
import hashlib
import json
import os
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sync-protocol", "test-vectors")


# --- RFC 8785 canonical JSON -------------------------------------------------------------------------------------

def es_number(x):
    """ECMAScript Number.prototype.toString for a finite double."""
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("non-finite")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + es_number(-x)
    if x == int(x) and x < 2**53:
        return str(int(x))
    text = repr(x)  # shortest round-trip digits, like ECMAScript
    mantissa, _, exp = text.partition("e")
    exp = int(exp) if exp else 0
    int_part, _, frac = mantissa.partition(".")
    digits = int_part + frac
    n = len(int_part) + exp
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    return digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + sign + str(abs(e))


def es_string(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\r":
            out.append("\\r")
        elif c < 0x20:
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return es_number(float(v))
    if isinstance(v, str):
        return es_string(v)
    if isinstance(v, list):
        return "[" + ",".join(jcs(e) for e in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v.keys(), key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(es_string(k) + ":" + jcs(v[k]) for k in keys) + "}"
    raise TypeError(type(v))


# --- identities, changes ---------------------------------------------------------------------------------------

class Node:
    def __init__(self, seed_byte):
        self.seed = bytes([seed_byte]) * 32
        self.key = Ed25519PrivateKey.from_private_bytes(self.seed)
        self.id = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
        self.seq = 0
        self.last_hash = None

    def change(self, hlc, collection, record, scope, ops):
        self.seq += 1
        body = {
            "v": 1, "origin": self.id, "seq": self.seq, "hlc": "%016x" % hlc, "collection": collection,
            "record": record, "scope": sorted(scope, key=lambda s: s.encode()), "ops": ops, "prev": self.last_hash,
        }
        canonical = jcs(body)
        digest = hashlib.sha256(canonical.encode("utf-8")).digest()
        sig = self.key.sign(digest)
        self.last_hash = digest.hex()
        wire = dict(body, hash=digest.hex(), sig=sig.hex())
        return {"change": wire, "canonical": canonical, "hash": digest.hex(), "sig": sig.hex()}


def hlc(millis, counter=0):
    return (millis << 16) | counter


def set_op(field, value):
    return {"op": "set", "field": field, "value": value}


def add_op(field, id_, value):
    return {"op": "add", "field": field, "id": id_, "value": value}


def write(name, obj):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


# --- vectors -----------------------------------------------------------------------------------------------------

def canonical_json_vectors():
    doubles = ["0000000000000000", "8000000000000000", "0000000000000001", "8000000000000001", "7fefffffffffffff",
               "ffefffffffffffff", "4340000000000000", "c340000000000000", "4430000000000000", "44b52d02c7e14af5",
               "44b52d02c7e14af6", "44b52d02c7e14af7", "444b1ae4d6e2ef4e", "444b1ae4d6e2ef4f", "444b1ae4d6e2ef50",
               "3eb0c6f7a0b5ed8c", "3eb0c6f7a0b5ed8d", "41b3de4355555553", "41b3de4355555554", "41b3de4355555555",
               "41b3de4355555556", "41b3de4355555557", "becbf647612f3696", "43143ff3c1cb0959", "3ff0000000000000",
               "4002000000000000", "3f50624dd2f1a9fc", "4062c00000000000"]
    numbers = [{"ieee754": h, "canonical": es_number(struct.unpack(">d", bytes.fromhex(h))[0])} for h in doubles]
    documents = [
        {"input": '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],'
                  '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}'},
        {"input": '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh",'
                  '"1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}'},
        {"input": '{"ชื่อ":"นายสมชาย ใจดี","area_m2":120.50,"tags":["ก","a",{"z":1,"b":[]}],"x":-0.0,"big":1e21}'},
    ]
    for d in documents:
        d["canonical"] = jcs(json.loads(d["input"]))
    write("canonical-json.json", {
        "description": "RFC 8785 canonical JSON: numbers given as IEEE 754 bit patterns, and whole documents.",
        "numbers": numbers, "documents": documents})


def change_vectors():
    a = Node(0x01)
    b = Node(0x02)
    entries = [
        a.change(hlc(1795000000000), "permit_applications", "app-0001", ["6500101"], [
            set_op("applicant_name", "นายสมชาย ใจดี"), set_op("area_m2", 120.5), set_op("storeys", 2),
            set_op("site", {"lon": 98.9853, "lat": 18.7883}), set_op("status", "submitted")]),
        a.change(hlc(1795000000000, 1), "permit_applications", "app-0001", ["6500101"], [
            add_op("events", "ev-01", {"kind": "accepted", "by": "officer-1", "note": "ครบถ้วน\n\"ok\""})]),
        a.change(hlc(1795000000500), "letters", "let-2569-0007", ["6500101", "6500102"], [
            set_op("subject", "ขอเชิญประชุม 😀"), set_op("urgent", True), set_op("retired", None),
            set_op("amounts", [0.1, 1e-7, 1e21, -3, 2.5e-3])]),
        b.change(hlc(1795000000001), "permit_applications", "app-0001", ["6500101"], [
            set_op("status", "withdrawn"), add_op("events", "ev-02", {"kind": "withdrawn"})]),
    ]
    write("changes.json", {
        "description": "Signed changes by fixed test keys: canonical body (what is hashed), SHA-256, Ed25519 signature.",
        "keys": [{"seed": n.seed.hex(), "node_id": n.id} for n in (a, b)],
        "changes": entries})


def hlc_vectors():
    max_skew = 300000
    last = 0
    steps = []

    def tick(wall):
        nonlocal last
        l_ = max(last >> 16, wall)
        nxt = hlc(wall) if l_ > (last >> 16) else inc(last)
        last = nxt
        return nxt

    def inc(t):
        return hlc((t >> 16) + 1, 0) if (t & 0xffff) == 0xffff else t + 1

    def receive(remote, wall):
        nonlocal last
        if (remote >> 16) - wall > max_skew:
            return None
        lm, rm = last >> 16, remote >> 16
        m = max(wall, lm, rm)
        if m == lm and m == rm:
            nxt = inc(hlc(m, max(last & 0xffff, remote & 0xffff)))
        elif m == lm:
            nxt = inc(last)
        elif m == rm:
            nxt = inc(remote)
        else:
            nxt = hlc(m)
        last = nxt
        return nxt

    w = 1795000000000
    script = [("tick", w, None), ("tick", w, None), ("tick", w + 5, None), ("tick", w - 1000, None),
              ("receive", w + 10, hlc(w + 20, 7)), ("tick", w + 10, None), ("receive", w + 30, hlc(w + 25, 3)),
              ("receive", w + 30, hlc(w + 30, 9)), ("tick", w + 31, None),
              ("receive", w + 40, hlc(w + 40 + max_skew + 1, 0)), ("tick", w + 40, None),
              ("receive", w + 50, hlc(w + 50 + max_skew, 0)), ("tick", w + 60, None)]
    for kind, wall, remote in script:
        if kind == "tick":
            steps.append({"op": "tick", "wall_ms": wall, "expect": "%016x" % tick(wall)})
        else:
            got = receive(remote, wall)
            steps.append({"op": "receive", "wall_ms": wall, "remote": "%016x" % remote,
                          "expect": ("%016x" % got) if got is not None else None,
                          **({"refused_skew_ms": (remote >> 16) - wall} if got is None else {})})
    # Counter overflow: 65,536 events in one millisecond move the logical time on.
    steps_overflow = {"start": "%016x" % hlc(w + 100, 0xfffe), "wall_ms": w + 100,
                      "expect": ["%016x" % hlc(w + 100, 0xffff), "%016x" % hlc(w + 101, 0)]}
    write("hlc.json", {
        "description": "A hybrid logical clock starting at zero with a 300,000 ms skew bound: each step's resulting "
                       "timestamp (16 hex digits), or null where a remote timestamp is refused as too far ahead.",
        "max_skew_ms": max_skew, "steps": steps, "overflow": steps_overflow})


def merge_vectors():
    a, b, c = Node(0x11), Node(0x12), Node(0x13)
    t = 1795000100000
    entries = [
        # Concurrent writes to the same field in the same millisecond: the higher origin id wins the tie.
        a.change(hlc(t), "permit_applications", "app-7", ["6500101"], [set_op("status", "approved"), set_op("area_m2", 99)]),
        b.change(hlc(t), "permit_applications", "app-7", ["6500101"], [set_op("status", "withdrawn")]),
        c.change(hlc(t, 1), "permit_applications", "app-7", ["6500101"], [set_op("assignee", "surveyor-2")]),
        # A later write wins whatever its origin.
        a.change(hlc(t + 1), "permit_applications", "app-7", ["6500101"], [set_op("area_m2", 100.25)]),
        # Set elements: the same element id added twice — the earliest (hlc, origin) holds.
        b.change(hlc(t + 2), "permit_applications", "app-7", ["6500101"], [add_op("events", "ev-1", {"kind": "accept"})]),
        c.change(hlc(t + 3), "permit_applications", "app-7", ["6500101"], [add_op("events", "ev-1", {"kind": "late duplicate"}),
                                                                          add_op("events", "ev-2", {"kind": "inspect"})]),
        # Scope is a register too: the record moves to two offices.
        c.change(hlc(t + 4), "letters", "let-1", ["6500101"], [set_op("subject", "เรื่องทดสอบ")]),
        a.change(hlc(t + 5), "letters", "let-1", ["6500101", "6500102"], [set_op("to", "6500102")]),
        # A faulty origin stamping two changes with the same HLC: seq breaks the tie, so replicas still agree.
        c.change(hlc(t + 7), "permit_applications", "app-7", ["6500101"], [set_op("note", "first")]),
        c.change(hlc(t + 7), "permit_applications", "app-7", ["6500101"], [set_op("note", "second")]),
        # Retiring is a set.
        b.change(hlc(t + 6), "letters", "let-2", ["6500102"], [set_op("subject", "อื่น"), set_op("retired", True)]),
    ]
    changes = [e["change"] for e in entries]

    def version(ch):
        return (int(ch["hlc"], 16), bytes.fromhex(ch["origin"]), ch["seq"])

    state = {}
    for ch in changes:
        rec = state.setdefault((ch["collection"], ch["record"]), {"scope": None, "sv": None, "fields": {}, "sets": {}})
        v = version(ch)
        if rec["sv"] is None or v > rec["sv"]:
            rec["scope"], rec["sv"] = ch["scope"], v
        for op in ch["ops"]:
            if op["op"] == "set":
                cur = rec["fields"].get(op["field"])
                if cur is None or v > cur[0]:
                    rec["fields"][op["field"]] = (v, op["value"])
            else:
                key = (op["field"], op["id"])
                cur = rec["sets"].get(key)
                if cur is None or v < cur[0]:
                    rec["sets"][key] = (v, op["value"])

    records = []
    for (coll, rid), rec in sorted(state.items(), key=lambda kv: (kv[0][0].encode(), kv[0][1].encode())):
        sets = {}
        for (field, eid), (_, value) in rec["sets"].items():
            sets.setdefault(field, {})[eid] = value
        records.append({"collection": coll, "record": rid, "scope": rec["scope"],
                        "fields": {f: v for f, (_, v) in rec["fields"].items()}, "sets": sets})

    def digest(office):
        h = hashlib.sha256()
        for r in records:
            if office not in r["scope"]:
                continue
            h.update((jcs(["r", r["collection"], r["record"], r["scope"]]) + "\n").encode())
            for f in sorted(r["fields"], key=lambda s: s.encode()):
                h.update((jcs(["f", f, r["fields"][f]]) + "\n").encode())
            elems = [(f, e, v) for f, es in r["sets"].items() for e, v in es.items()]
            for f, e, v in sorted(elems, key=lambda x: (x[0].encode(), x[1].encode())):
                h.update((jcs(["e", f, e, v]) + "\n").encode())
        return h.hexdigest()

    write("merge.json", {
        "description": "Changes from three origins, delivered in any order, duplicates included, must merge to this "
                       "state (versions ordered by hlc, origin, seq); digests per office scope as in SPEC.md.",
        "changes": changes, "expected_records": records,
        "expected_digests": {o: digest(o) for o in ["6500101", "6500102", "6500199"]}})


def request_vectors():
    node = Node(0x21)
    hub = Node(0x22)
    entries = []
    for method, path, nonce, body in [
        ("POST", "/v1/pull", 7, '{"after":0,"limit":1000,"protocol":1}'),
        ("POST", "/v1/enrol", 1, '{"name":"อบต.ตัวอย่าง","office":"6500101","protocol":1,"token":"tbn1.' + "ab" * 24 + '"}'),
    ]:
        body_bytes = body.encode("utf-8")
        message = "tambon-request/1\n%s\n%s\n%s\n%d\n%s" % (method, path, hub.id, nonce, hashlib.sha256(body_bytes).hexdigest())
        entries.append({"method": method, "path": path, "nonce": nonce, "body": body, "signing_message": message,
                        "signature": node.key.sign(message.encode("utf-8")).hex()})
    write("requests.json", {
        "description": "Signed sync requests (SPEC §9): the signing message for a method, path, hub id, nonce and body, "
                       "and the node's Ed25519 signature over it.",
        "node_seed": node.seed.hex(), "node_id": node.id, "hub_id": hub.id, "requests": entries})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    canonical_json_vectors()
    change_vectors()
    hlc_vectors()
    merge_vectors()
    request_vectors()
    print("wrote", ", ".join(sorted(os.listdir(OUT))))
