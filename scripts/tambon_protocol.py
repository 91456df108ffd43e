"""A small client-side implementation of sync-protocol/SPEC.md for tools (the fuzzer, scripts/fuzz-sync.py).

It reuses the independent implementation in scripts/make-test-vectors.py (RFC 8785 canonical JSON, the authority
rules of §15) by loading that file as a module, and adds what a client needs: Ed25519 identities that keep a change
chain (§5), request signing (§9), an HTTPS client pinned to the hub's CA, and a replica that merges changes (§6) and
prints the state digest (§7). Needs the `cryptography` package.
"""
import base64
import gzip
import hashlib
import http.client
import importlib.util
import io
import json
import os
import socket
import ssl
import time
import zlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("tambon_make_test_vectors", os.path.join(_HERE, "make-test-vectors.py"))
vectors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vectors)  # defines functions only; its main() is guarded by __name__

es_number = vectors.es_number
es_string = vectors.es_string
jcs = vectors.jcs  # RFC 8785 canonical JSON, exactly as the test vectors are made


authority_decide = vectors.authority_decide
record_owner = vectors.record_owner
AUTHORITY_RULES = vectors.AUTHORITY_RULES
set_op = vectors.set_op
add_op = vectors.add_op
HUB = vectors.HUB

PROTOCOL = 2
SOFTWARE = "tambon-fuzz/1"
MAX_WIRE = 8 << 20          # §9: 8 MiB on the wire
MAX_BODY = 32 << 20         # §9: 32 MiB decompressed
MAX_ENROL = 64 << 10        # §9: an enrolment body
MAX_PUSH = 2000             # §9: changes per push
MAX_CHUNK = 1 << 20         # §14: 1 MiB chunks
MISSING = object()


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def now_ms():
    return int(time.time() * 1000)


def canonical_body(change):
    """§5.3: the canonical JSON of every member except hash and sig."""
    return jcs({k: v for k, v in change.items() if k not in ("hash", "sig")})


# --- identities and chains ---------------------------------------------------------------------------------------

class Identity:
    """An Ed25519 key pair; the node id is the raw public key (§3)."""

    def __init__(self, seed):
        assert len(seed) == 32
        self.seed = seed
        self.key = Ed25519PrivateKey.from_private_bytes(seed)
        self.id = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()

    def sign(self, data):
        return self.key.sign(data)


class PyNode(Identity):
    """A node written in Python: its identity, enrolment, change chain, HLC and request nonce counter."""

    def __init__(self, name, seed, office, role):
        super().__init__(seed)
        self.name = name
        self.office = office
        self.role = role
        self.seq = 0             # highest seq the hub holds (committed in this model)
        self.last_hash = None    # hash of change `seq`
        self.hlc = 0
        self.nonce = 0           # last nonce used
        self.revoked = False
        self.changes = {}        # seq → the committed change (the hub holds it: applied or inert)

    def writer(self):
        """The enrolment §15.3 judges with (make-test-vectors' shape)."""
        return {"node": self.id, "office": self.office, "role": self.role, "revoked_after_seq": None, "legacy_seq": 0}

    def next_nonce(self):
        # Strictly increasing and never reused, whatever the hub answered.
        self.nonce += 1
        return self.nonce

    def tick(self):
        self.hlc = max(self.hlc + 1, now_ms() << 16)
        return self.hlc

    def body(self, collection, record, scope, ops, seq=None, prev=MISSING, hlc=None):
        seq = self.seq + 1 if seq is None else seq
        if prev is MISSING:
            prev = self.last_hash if seq == self.seq + 1 else None
        return {"v": 1, "origin": self.id, "seq": seq, "hlc": "%016x" % (self.tick() if hlc is None else hlc),
                "collection": collection, "record": record, "scope": sorted(scope, key=lambda s: s.encode()),
                "ops": ops, "prev": prev}

    def sign_body(self, body, key=None):
        """Adds hash and sig to a body (any JSON-able dict: also deliberately malformed ones)."""
        digest = hashlib.sha256(canonical_body(body).encode("utf-8")).digest()
        return dict(body, hash=digest.hex(), sig=(key or self).sign(digest).hex())

    def change(self, collection, record, scope, ops, **kw):
        return self.sign_body(self.body(collection, record, scope, ops, **kw))

    def chain(self, specs, start_seq=None, start_prev=MISSING):
        """Several consecutive changes after the committed head (or after `start_seq`): [(collection, record, scope,
        ops)] → signed changes, each `prev` the one before."""
        seq = self.seq if start_seq is None else start_seq
        prev = self.last_hash if start_prev is MISSING else start_prev
        out = []
        for collection, record, scope, ops in specs:
            seq += 1
            ch = self.change(collection, record, scope, ops, seq=seq, prev=prev if seq > 1 else None)
            out.append(ch)
            prev = ch["hash"]
        return out

    def commit(self, change):
        assert change["seq"] == self.seq + 1, (change["seq"], self.seq)
        self.seq = change["seq"]
        self.last_hash = change["hash"]
        self.changes[self.seq] = change


def change_key(change):
    return (change.get("origin"), change.get("seq"))


# --- request signing (§9) ----------------------------------------------------------------------------------------

def signing_message(method, path, hub_id, nonce, body):
    return ("tambon-request/1\n%s\n%s\n%s\n%s\n%s" % (method, path, hub_id, nonce, sha256_hex(body))).encode("utf-8")


def request_headers(node, method, path, hub_id, nonce, wire, key=None, content_type="application/json"):
    """The headers of a signed request whose body on the wire is `wire`."""
    sig = (key or node).sign(signing_message(method, path, hub_id, nonce, wire)).hex()
    headers = {
        "Tambon-Protocol": str(PROTOCOL), "Tambon-Software": SOFTWARE, "Tambon-Node": node.id,
        "Tambon-Nonce": str(nonce), "Tambon-Time": str(now_ms()), "Tambon-Signature": sig,
    }
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


def dumps(value):
    """Compact JSON as a node sends it (not necessarily canonical), UTF-8."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def gzip_bytes(data, level=6, mtime=0):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=level, mtime=mtime) as f:
        f.write(data)
    return buf.getvalue()


def gzip_stream(chunks, level=9):
    """gzip of the concatenation of `chunks` without holding it (for bombs)."""
    comp = zlib.compressobj(level, zlib.DEFLATED, 31)
    out = [comp.compress(c) for c in chunks]
    out.append(comp.flush())
    return b"".join(out)


# --- HTTPS client ------------------------------------------------------------------------------------------------

class Response:
    def __init__(self, status=None, headers=None, body=b"", error=None, seconds=0.0):
        self.status = status
        self.headers = headers or {}
        self.raw = body
        self.error = error          # "dropped: …" or "timeout: …" when no answer came
        self.seconds = seconds
        self._json = MISSING

    @property
    def body(self):
        if self.headers.get("content-encoding", "").lower() == "gzip":
            try:
                return gzip.decompress(self.raw)
            except Exception:
                return self.raw
        return self.raw

    def json(self):
        if self._json is MISSING:
            try:
                self._json = json.loads(self.body)
            except Exception:
                self._json = None
        return self._json

    def code(self):
        j = self.json()
        return j.get("error") if isinstance(j, dict) else None

    def __repr__(self):
        if self.status is None:
            return "<no answer: %s>" % self.error
        return "<%s %s>" % (self.status, self.body[:300])


class HubClient:
    """HTTPS to the hub, trusting only its CA file (the pin, §9). One connection per request."""

    def __init__(self, host, port, cafile, timeout=60.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.ctx = ssl.create_default_context(cafile=cafile)

    def connect(self, timeout=None):
        return http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout or self.timeout)

    def request(self, method, path, body=b"", headers=None, timeout=None):
        """Sends exactly `body` with exactly `headers` (plus Host and, for a body, Content-Length unless given)."""
        started = time.monotonic()
        conn = self.connect(timeout)
        sent_error = None
        try:
            try:
                conn.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
                names = {k.lower() for k in (headers or {})}
                for k, v in (headers or {}).items():
                    if isinstance(v, (list, tuple)):
                        for item in v:
                            conn.putheader(k, item)
                    else:
                        conn.putheader(k, v)
                if "content-length" not in names and (body or method == "POST"):
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders()
                view = memoryview(body)
                for i in range(0, len(body), 1 << 20):
                    conn.send(view[i:i + (1 << 20)])
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError, http.client.HTTPException) as e:
                # The hub may answer (413) and close before it has read everything: read the answer anyway.
                if isinstance(e, socket.timeout):
                    return Response(error="timeout while sending: %r" % e, seconds=time.monotonic() - started)
                sent_error = e
            try:
                r = conn.getresponse()
                data = r.read()
                return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data,
                                seconds=time.monotonic() - started)
            except socket.timeout as e:
                return Response(error="timeout: %r" % e, seconds=time.monotonic() - started)
            except Exception as e:  # http.client raises odd things (AttributeError) on a connection cut mid-way
                where = "while sending (%r), then " % sent_error if sent_error else ""
                return Response(error="dropped %s%r" % (where, e), seconds=time.monotonic() - started)
        finally:
            conn.close()

    def raw_tls(self, data, read_timeout=5.0, close_write=False):
        """Writes raw bytes on a TLS connection and returns whatever comes back before close or timeout."""
        sock = socket.create_connection((self.host, self.port), timeout=read_timeout)
        tls = self.ctx.wrap_socket(sock, server_hostname=self.host)
        out = b""
        try:
            tls.sendall(data)
            if close_write:
                try:
                    tls.unwrap()
                except Exception:
                    pass
                return b""
            while True:
                try:
                    part = tls.recv(65536)
                except (socket.timeout, ssl.SSLError, OSError):
                    break
                if not part:
                    break
                out += part
        finally:
            try:
                tls.close()
            except Exception:
                pass
        return out


# --- a replica: merge (§6) and digest (§7) ---------------------------------------------------------------------------

class Replica:
    """Merges changes as §6 says; `digest(office)` is §7's. Idempotent, order-independent."""

    def __init__(self):
        self.records = {}
        self.seen = set()
        self.lines = {}   # (collection, record) → its digest lines, cached until the record changes

    @staticmethod
    def version(ch):
        return (int(ch["hlc"], 16), bytes.fromhex(ch["origin"]), ch["seq"])

    def apply(self, ch):
        key = change_key(ch)
        if key in self.seen:
            return False
        self.seen.add(key)
        self.lines.pop((ch["collection"], ch["record"]), None)
        rec = self.records.setdefault((ch["collection"], ch["record"]), {"sv": None, "scope": None, "fields": {}, "sets": {}})
        vectors.merge_change(rec, ch, self.version(ch))
        return True

    def digest(self, office):
        h = hashlib.sha256()
        for (coll, rid), rec in sorted(self.records.items(), key=lambda kv: (kv[0][0].encode(), kv[0][1].encode())):
            if office not in rec["scope"]:
                continue
            lines = self.lines.get((coll, rid))
            if lines is None:
                parts = [jcs(["r", coll, rid, rec["scope"]])]
                parts += [jcs(["f", f, rec["fields"][f][1]]) for f in sorted(rec["fields"], key=lambda s: s.encode())]
                parts += [jcs(["e", f, e, rec["sets"][(f, e)][1]])
                          for (f, e) in sorted(rec["sets"], key=lambda x: (x[0].encode(), x[1].encode()))]
                lines = self.lines[(coll, rid)] = "".join(p + "\n" for p in parts).encode()
            h.update(lines)
        return h.hexdigest()


def expand_batch(changes):
    """Fills in a left-out `prev` in a pull page (§5.1) so each change stands alone."""
    out, before = [], None
    for ch in changes:
        ch = dict(ch)
        if "prev" not in ch and before is not None:
            ch["prev"] = before.get("hash") or hashlib.sha256(canonical_body(before).encode()).hexdigest()
        if "hash" not in ch:
            ch["hash"] = hashlib.sha256(canonical_body(ch).encode()).hexdigest()
        out.append(ch)
        before = ch
    return out
