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
import re
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


def merge_change(rec, ch, v):
    """SPEC §6: merges change `ch` (version `v`) into `rec` ({"scope", "sv", "fields", "sets"}): the scope and each
    register to the highest version, each set element to the lowest."""
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
        merge_change(rec, ch, version(ch))

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



# --- authority (SPEC §15) ----------------------------------------------------------------------------------------

OFFICE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,31}\Z")  # SPEC §2
HUB = "hub"  # the hub's own office code and node role
# SPEC §15.3 with the services' one field action: the tables every replica judges with.
AUTHORITY_RULES = {
    "hub_only": ["agencies", "hub_settings", "nodes", "payments"],
    "office_node_only": ["bills", "number_registers", "office_settings", "payers", "receipts", "users"],
    "survey": {"applications": {"sets": ["attachments"], "event_set": "events", "field_actions": ["record-inspection"]}},
}


def record_owner(record_id):
    """§15.2: the office code before the first '.', or the whole id."""
    return record_id.split(".", 1)[0]


def authority_decide(change, writer, rules=AUTHORITY_RULES):
    """§15.3, rule by rule: (the number of the rule that decided, None for allowed or the reason code)."""
    if writer is None or writer["node"] != change["origin"]:
        return 1, "unknown_writer"
    if writer["revoked_after_seq"] is not None and change["seq"] > writer["revoked_after_seq"]:
        return 2, "revoked_writer"
    if writer["role"] == HUB:
        return 3, None
    scope = change["scope"]
    if change["seq"] <= writer["legacy_seq"]:
        return 4, (None if writer["office"] in scope and HUB not in scope else "not_owner")
    if change["collection"] in rules["hub_only"]:
        return 5, "hub_only"
    if HUB in scope:
        return 6, "hub_only"
    owner = record_owner(change["record"])
    if owner != writer["office"]:
        return 7, ("hub_only" if owner == HUB else "not_owner")
    if owner not in scope:
        return 8, "owner_not_in_scope"
    if writer["role"] == "office":
        return 9, None
    assert writer["role"] == "survey"
    if change["collection"] in rules["office_node_only"]:
        return 10, "office_node_only"
    allowance = rules["survey"].get(change["collection"])
    if allowance is None:
        return 10, "survey_not_allowed"
    for op in change["ops"]:
        if op["op"] != "add":
            return 10, "survey_not_allowed"
        if op["field"] in allowance["sets"]:
            continue
        event = op["value"]
        if (op["field"] == allowance["event_set"] and isinstance(event, dict)
                and event.get("action") in allowance["field_actions"] and event.get("role") == "surveyor"):
            continue
        return 10, "survey_not_allowed"
    return 10, None


def roster_enrolment(record_id, fields):
    """§15.4: the enrolment a `nodes` record names, or None when it names nobody (malformed, or its id does not
    match its node and office)."""
    def seq_mark(value):  # a JSON integer >= 0 (a double holding an integer exactly)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return int(value) if value == int(value) and 0 <= value <= 2**53 else None

    node, office, role = fields.get("node"), fields.get("office"), fields.get("role")
    if not (isinstance(node, str) and re.fullmatch(r"[0-9a-f]{64}", node)):  # §1, §3: lower-case hex only
        return None
    if not (isinstance(office, str) and OFFICE_CODE.match(office)) or office == HUB:  # nobody enrols into the hub
        return None
    if role not in ("office", "survey"):
        return None
    share = re.fullmatch(r"(.*):([1-9][0-9]{0,3})", record_id)  # a share of the entry (§15.4): "<entry id>:<k>"
    if (share.group(1) if share else record_id) != office + "." + node:
        return None
    legacy = seq_mark(fields.get("legacy_seq"))
    revoked = fields.get("revoked_after_seq")
    if legacy is None or (revoked is not None and seq_mark(revoked) is None):
        return None
    return {"node": node, "office": office, "role": role,
            "revoked_after_seq": None if revoked is None else seq_mark(revoked), "legacy_seq": legacy}


def authority_vectors():
    a, s, b, h, x = Node(0x31), Node(0x32), Node(0x33), Node(0x34), Node(0x35)
    a_office, b_office = "6500101", "6500102"
    clock = [1795000200000]

    def enrol(node, office, role, revoked=None, legacy=0):
        return {"node": node.id, "office": office, "role": role, "revoked_after_seq": revoked, "legacy_seq": legacy}

    def inspection(action="record-inspection", role="surveyor"):
        event = {"action": action, "actor": "surveyor-1", "at": "%016x" % hlc(clock[0])}
        if role is not None:
            event["role"] = role
        return event

    photo = {"sha256": "ab" * 32, "size": 48213, "type": "image/jpeg"}
    vectors = []

    def case(name, node, writer, collection, record, scope, ops, expect):
        """`writer` is an enrolment, None for an unknown writer, or a function of the change's seq."""
        clock[0] += 1
        change = node.change(hlc(clock[0]), collection, record, scope, ops)["change"]
        if callable(writer):
            writer = writer(change["seq"])
        rule, got = authority_decide(change, writer)
        assert got == expect, (name, got, expect)
        vectors.append({"name": name, "rule": rule, "change": change, "writer": writer, "expect": got})

    app = "6500101.K7M2Q9XA"
    status = [set_op("status", "accepted")]
    office_a = enrol(a, a_office, "office")
    office_b = enrol(b, b_office, "office")
    survey_s = enrol(s, a_office, "survey")
    hub = enrol(h, HUB, HUB)

    # Rule 1: no roster entry names the origin.
    case("unknown writer", x, None, "applications", app, [a_office], status, "unknown_writer")
    case("unknown writer claiming the hub's collection", x, None, "nodes", "6500101." + x.id, [a_office],
         [set_op("role", "office")], "unknown_writer")
    case("enrolment of another node than the origin", a, enrol(s, a_office, "office"), "applications", app,
         [a_office], status, "unknown_writer")
    # Rule 2: revoked (seq exactly at revoked_after_seq is still allowed; one above is not).
    case("seq at revoked_after_seq", a, lambda q: enrol(a, a_office, "office", revoked=q), "applications", app,
         [a_office], status, None)
    case("seq one above revoked_after_seq", a, lambda q: enrol(a, a_office, "office", revoked=q - 1),
         "applications", app, [a_office], status, "revoked_writer")
    case("revoked before any write (revoked_after_seq 0)", a, enrol(a, a_office, "office", revoked=0),
         "applications", app, [a_office], status, "revoked_writer")
    case("revoked outranks legacy", a, lambda q: enrol(a, a_office, "office", revoked=q - 1, legacy=q),
         "applications", "K7M2Q9XA", [a_office], status, "revoked_writer")
    case("revoked hub", h, lambda q: enrol(h, HUB, HUB, revoked=q - 1), "nodes", "6500101." + a.id, [a_office],
         [set_op("revoked_after_seq", 3)], "revoked_writer")
    case("revoked survey node at its mark", s, lambda q: enrol(s, a_office, "survey", revoked=q),
         "applications", app, [a_office], [add_op("attachments", "ab" * 32, photo)], None)
    # Rule 3: the hub writes anything.
    case("hub writes the roster", h, hub, "nodes", "6500101." + a.id, [a_office],
         [set_op("node", a.id), set_op("office", a_office), set_op("role", "office"), set_op("legacy_seq", 0)], None)
    case("hub writes hub_settings", h, hub, "hub_settings", "hub", [HUB], [set_op("name", "ศูนย์กลาง")], None)
    case("hub writes agencies", h, hub, "agencies", "6500101", [a_office], [set_op("name", "อบต.ตัวอย่าง")], None)
    case("hub writes its own users", h, hub, "users", "hub.mallory", [HUB], [set_op("role", "admin")], None)
    case("hub writes an office's users", h, hub, "users", "6500101.admin", [a_office], [set_op("role", "admin")], None)
    case("hub writes an office's number register", h, hub, "number_registers", "6500101.building-permit.2569",
         [a_office], [set_op("next", 12)], None)
    case("hub writes an office's settings", h, hub, "office_settings", "6500101", [a_office],
         [set_op("name", "อบต.ตัวอย่าง")], None)
    case("hub shares an office's application", h, hub, "applications", app, [a_office, b_office], status, None)
    case("hub writes with the owner left out of scope", h, hub, "applications", "6500102.K7M2Q9XA", [a_office],
         status, None)
    case("hub writes a scope holding hub", h, hub, "applications", app, [a_office, HUB], status, None)
    case("hub ignores legacy_seq", h, lambda q: enrol(h, HUB, HUB, legacy=q), "applications", app, [a_office],
         status, None)
    # Rule 4: accepted under protocol 1 (seq <= legacy_seq): the scope must hold the writer's office, not hub.
    case("seq at legacy_seq, bare id", a, lambda q: enrol(a, a_office, "office", legacy=q), "applications",
         "K7M2Q9XA", [a_office], status, None)
    case("seq one above legacy_seq, bare id", a, lambda q: enrol(a, a_office, "office", legacy=q - 1),
         "applications", "K7M2Q9XA", [a_office], status, "not_owner")
    case("legacy, another office's id in own scope", a, lambda q: enrol(a, a_office, "office", legacy=q),
         "applications", "6500102.K7M2Q9XA", [a_office, b_office], status, None)
    case("legacy, scope without the writer's office", a, lambda q: enrol(a, a_office, "office", legacy=q),
         "applications", "K7M2Q9XA", [b_office], status, "not_owner")
    case("legacy, scope holding hub", a, lambda q: enrol(a, a_office, "office", legacy=q), "applications",
         "K7M2Q9XA", [a_office, HUB], status, "not_owner")
    case("legacy, a hub-only collection", a, lambda q: enrol(a, a_office, "office", legacy=q), "nodes",
         "6500101." + a.id, [a_office], [set_op("role", "office")], None)
    case("legacy, survey node sets a register", s, lambda q: enrol(s, a_office, "survey", legacy=q),
         "applications", "K7M2Q9XA", [a_office], status, None)
    # Rule 5: hub-only collections.
    case("office node writes the roster", a, office_a, "nodes", "6500101." + a.id, [a_office],
         [set_op("role", "office")], "hub_only")
    case("office node writes hub_settings", a, office_a, "hub_settings", "6500101", [a_office],
         [set_op("x", 1)], "hub_only")
    case("office node writes agencies", a, office_a, "agencies", "6500101", [a_office], [set_op("x", 1)], "hub_only")
    case("office node writes a bank payment", a, office_a, "payments", "6500101.p-014-TXN1", [a_office],
         [set_op("status", "matched")], "hub_only")
    case("hub writes a bank payment into an office's scope", h, hub, "payments", "6500101.p-014-TXN1", [a_office],
         [set_op("status", "matched")], None)
    case("survey node writes the roster", s, survey_s, "nodes", "6500101." + s.id, [a_office],
         [set_op("role", "office")], "hub_only")
    # Rule 6: the scope holds hub.
    case("own record with hub in scope", a, office_a, "applications", app, [a_office, HUB], status, "hub_only")
    case("hub's record in the hub's scope", a, office_a, "users", "hub.mallory", [HUB], [set_op("role", "admin")],
         "hub_only")
    # Rule 7: the owner (id up to the first '.') is not the writer's office.
    case("hub's record in own scope", a, office_a, "users", "hub.mallory", [a_office], [set_op("role", "admin")],
         "hub_only")
    case("id 'hub' with no '.'", a, office_a, "office_settings", "hub", [a_office], [set_op("x", 1)], "hub_only")
    case("office part 'HUB' is not the hub", a, office_a, "users", "HUB.mallory", [a_office],
         [set_op("role", "admin")], "not_owner")
    case("squatting another office's id", a, office_a, "users", "6500102.admin", [a_office],
         [set_op("role", "admin")], "not_owner")
    case("another office's record it shares", a, office_a, "applications", "6500102.K7M2Q9XA",
         [a_office, b_office], [add_op("events", "ev-01", {"action": "answer", "actor": "officer-1", "role": "officer"})],
         "not_owner")
    case("bare id (no '.') that is a valid office code", a, office_a, "applications", "K7M2Q9XA", [a_office],
         status, "not_owner")
    case("bare id that is not an office code", a, office_a, "applications", "app:0001", [a_office], status,
         "not_owner")
    case("office part not an office code (':')", a, office_a, "applications", "6500101:x.K7M2Q9XA", [a_office],
         status, "not_owner")
    case("office part not an office code ('_')", a, office_a, "applications", "6500101_x.K7M2Q9XA", [a_office],
         status, "not_owner")
    case("office part longer than 32 characters", a, office_a, "applications", "6" * 33 + ".K7M2Q9XA", [a_office],
         status, "not_owner")
    case("office part is a longer code", a, office_a, "applications", "65001011.K7M2Q9XA", [a_office], status,
         "not_owner")
    case("survey node writes another office's record", s, survey_s, "applications", "6500102.K7M2Q9XA",
         [a_office, b_office], [add_op("attachments", "ab" * 32, photo)], "not_owner")
    # Rule 8: the scope leaves out the owner.
    case("own record scoped to another office only", a, office_a, "applications", app, [b_office], status,
         "owner_not_in_scope")
    case("survey node, users, owner not in scope", s, survey_s, "users", "6500101.somsri", [b_office],
         [set_op("role", "officer")], "owner_not_in_scope")
    # Rule 9: an office node writes its own records.
    case("office node, own application", a, office_a, "applications", app, [a_office], status, None)
    case("office node shares its record", a, office_a, "applications", app, [a_office, b_office], status, None)
    case("office node, bare id equal to its office", a, office_a, "office_settings", "6500101", [a_office],
         [set_op("name", "อบต.ตัวอย่าง")], None)
    case("office node, users", a, office_a, "users", "6500101.somsri", [a_office], [set_op("role", "officer")], None)
    case("office node, number register", a, office_a, "number_registers", "6500101.building-permit.2569",
         [a_office], [set_op("next", 13)], None)
    case("office node, approve", a, office_a, "applications", app, [a_office],
         [add_op("events", "ev-02", inspection("approve", "officer"))], None)
    case("other office node, own letter to 6500101", b, office_b, "letters", "6500102.let-2569-0007",
         [a_office, b_office], [set_op("subject", "ขอเชิญประชุม")], None)
    # Rule 10: a survey node does field work only.
    case("survey node, users", s, survey_s, "users", "6500101.somsri", [a_office], [set_op("role", "officer")],
         "office_node_only")
    case("survey node, office settings", s, survey_s, "office_settings", "6500101", [a_office], [set_op("x", 1)],
         "office_node_only")
    case("survey node, number register", s, survey_s, "number_registers", "6500101.building-permit.2569",
         [a_office], [set_op("next", 13)], "office_node_only")
    case("survey node, bill", s, survey_s, "bills", "6500101.6910A0001", [a_office], [set_op("amount_satang", 2000)],
         "office_node_only")
    case("survey node, receipt", s, survey_s, "receipts", "6500101.R2570-1", [a_office], [set_op("amount_satang", 2000)],
         "office_node_only")
    case("office node, bill", a, office_a, "bills", "6500101.6910A0001", [a_office], [set_op("amount_satang", 2000)], None)
    case("survey node, add to users", s, survey_s, "users", "6500101.somsri", [a_office],
         [add_op("attachments", "ab" * 32, photo)], "office_node_only")
    case("survey node, collection not open to survey nodes", s, survey_s, "letters", "6500101.let-1", [a_office],
         [add_op("attachments", "ab" * 32, photo)], "survey_not_allowed")
    case("survey node, set", s, survey_s, "applications", app, [a_office], status, "survey_not_allowed")
    case("survey node, photo", s, survey_s, "applications", app, [a_office],
         [add_op("attachments", "ab" * 32, photo)], None)
    case("survey node, photo on a shared record", s, survey_s, "applications", app, [a_office, b_office],
         [add_op("attachments", "cd" * 32, photo)], None)
    case("survey node, field action as surveyor", s, survey_s, "applications", app, [a_office],
         [add_op("events", "ev-03", inspection())], None)
    case("survey node, photo and inspection", s, survey_s, "applications", app, [a_office],
         [add_op("attachments", "ef" * 32, photo), add_op("events", "ev-04", inspection())], None)
    case("survey node, field action as officer", s, survey_s, "applications", app, [a_office],
         [add_op("events", "ev-05", inspection(role="officer"))], "survey_not_allowed")
    case("survey node, field action with no role", s, survey_s, "applications", app, [a_office],
         [add_op("events", "ev-06", inspection(role=None))], "survey_not_allowed")
    case("survey node, approve as surveyor", s, survey_s, "applications", app, [a_office],
         [add_op("events", "ev-07", inspection("approve"))], "survey_not_allowed")
    case("survey node, event that is not an object", s, survey_s, "applications", app, [a_office],
         [add_op("events", "ev-08", "record-inspection")], "survey_not_allowed")
    case("survey node, add to another set", s, survey_s, "applications", app, [a_office],
         [add_op("comments", "c-01", {"text": "ok"})], "survey_not_allowed")
    case("survey node, photo and a set", s, survey_s, "applications", app, [a_office],
         [add_op("attachments", "01" * 32, photo), set_op("status", "inspected")], "survey_not_allowed")
    case("survey node, inspection and an approval", s, survey_s, "applications", app, [a_office],
         [add_op("events", "ev-09", inspection()), add_op("events", "ev-10", inspection("approve"))],
         "survey_not_allowed")

    rules = {v["rule"] for v in vectors}
    codes = {v["expect"] for v in vectors}
    assert rules == set(range(1, 11)), rules
    assert codes == {None, "unknown_writer", "revoked_writer", "hub_only", "not_owner", "owner_not_in_scope",
                     "office_node_only", "survey_not_allowed"}, codes

    def entry_fields(node, office, role, revoked=None, legacy=0, **changes):
        fields = {"node": node, "office": office, "role": role, "name": "เครื่องสำรวจ 1", "enrolled_ms": 1795000000000,
                  "revoked_ms": None if revoked is None else 1795000900000, "revoked_after_seq": revoked,
                  "legacy_seq": legacy}
        fields.update(changes)
        return fields

    roster = []

    def entry(name, record, fields, well_formed):
        got = roster_enrolment(record, fields)
        assert (got is not None) == well_formed, (name, got)
        roster.append({"name": name, "record": record, "fields": fields, "expect": got})

    entry("active office node", "6500101." + a.id, entry_fields(a.id, a_office, "office"), True)
    entry("survey node", "6500101." + s.id, entry_fields(s.id, a_office, "survey"), True)
    entry("revoked, with legacy changes", "6500102." + b.id, entry_fields(b.id, b_office, "office", revoked=12, legacy=3),
          True)
    entry("revoked before any write", "6500101." + s.id, entry_fields(s.id, a_office, "survey", revoked=0), True)
    entry("a share of the entry", "6500101." + a.id + ":1", entry_fields(a.id, a_office, "office"), True)
    entry("the 9999th share", "6500101." + a.id + ":9999", entry_fields(a.id, a_office, "office"), True)
    entry("share 0", "6500101." + a.id + ":0", entry_fields(a.id, a_office, "office"), False)
    entry("share with a leading zero", "6500101." + a.id + ":01", entry_fields(a.id, a_office, "office"), False)
    entry("share number too long", "6500101." + a.id + ":10000", entry_fields(a.id, a_office, "office"), False)
    entry("share of another node", "6500101." + s.id + ":1", entry_fields(a.id, a_office, "office"), False)
    entry("empty share number", "6500101." + a.id + ":", entry_fields(a.id, a_office, "office"), False)
    entry("id names another node", "6500101." + s.id, entry_fields(a.id, a_office, "office"), False)
    entry("id names another office", "6500102." + a.id, entry_fields(a.id, a_office, "office"), False)
    entry("id without the office part", a.id, entry_fields(a.id, a_office, "office"), False)
    entry("office hub", "hub." + a.id, entry_fields(a.id, HUB, "office"), False)
    entry("role hub", "6500101." + h.id, entry_fields(h.id, a_office, HUB), False)
    entry("unknown role", "6500101." + a.id, entry_fields(a.id, a_office, "admin"), False)
    entry("office not an office code", "6500101_x." + a.id, entry_fields(a.id, "6500101_x", "office"), False)
    entry("upper-case node id", "6500101." + a.id.upper(), entry_fields(a.id.upper(), a_office, "office"), False)
    entry("upper-case node, lower-case id", "6500101." + a.id, entry_fields(a.id.upper(), a_office, "office"), False)
    entry("negative legacy_seq", "6500101." + a.id, entry_fields(a.id, a_office, "office", legacy=-1), False)
    entry("non-integer legacy_seq", "6500101." + a.id, entry_fields(a.id, a_office, "office", legacy=2.5), False)
    entry("legacy_seq as a string", "6500101." + a.id, entry_fields(a.id, a_office, "office", legacy="3"), False)
    entry("negative revoked_after_seq", "6500101." + a.id, entry_fields(a.id, a_office, "office", revoked=-1), False)
    entry("non-integer revoked_after_seq", "6500101." + a.id, entry_fields(a.id, a_office, "office", revoked=7.5),
          False)

    write("authority.json", {
        "description": "Authority decisions (SPEC §15): each signed change, its writer's enrolment (null: no roster "
                       "entry names the origin) and the expected decision under `rules` — null for allowed, else the "
                       "reason code; `rule` is the rule of §15.3 that decides. Then roster records (§15.4) with the "
                       "enrolment each names, or null where it names nobody.",
        "rules": AUTHORITY_RULES, "vectors": vectors, "roster": roster})

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    canonical_json_vectors()
    change_vectors()
    hlc_vectors()
    merge_vectors()
    request_vectors()
    authority_vectors()
    print("wrote", ", ".join(sorted(os.listdir(OUT))))
