#!/usr/bin/env python3
"""A seeded, replayable fuzzer of the sync protocol (sync-protocol/SPEC.md §9–§15) against a real hub.

    python3 scripts/fuzz-sync.py [--bin PATH] [--seed N] [--cases N] [--long] [--only K] [--endurance] [-v]

Defaults: --bin is $TAMBON_BIN or .build/debug/tambon; a fixed seed; 250 cases (about 70 s on a debug build),
4000 with --long (about 30 min), which also runs the endurance checks (memory against concurrency, stalled
connections). Case K's content comes from random.Random(seed) alone (its own seed is the K-th draw), so
`--seed N --only K` replays it after the same setup; `--seed N --cases K+1` replays everything up to it.

It starts a throwaway hub (`tambon hub init` + `tambon hub serve` on a free port, in a temporary directory, stopped
at exit whatever happens), enrols Python nodes through POST /v1/enrol (two offices: an office node and a survey
laptop in office 6500101, an office node in 6500102, one observer survey node per office, one node it revokes),
proves it speaks the protocol with a control round (push, pull, attachments; every answer 2xx, the hub's digest
equal to the one this script merges), and then sends cases drawn from random.Random(seed): malformed and deep JSON,
wrong types, huge numbers and strings, oversized bodies, corrupt gzip and gzip bombs, lies about the encoding,
attachment requests with wild offsets and sizes, replayed nonces and bad request signatures, unknown and revoked
keys, changes that break an authority rule (§15), a chain (§5.3), a hash or a signature, whole batches with one bad
change, enrolment refusals, floods, bad headers and HTTP framing; and valid but extreme changes (numbers, Unicode,
1000 operations, 64-office scopes) that must be applied exactly, office B reaching office A's attachments (§14), and
the size of a pull page.

After every case it checks: an answer came (no drop, no timeout) and it is not 5xx; the status is the class SPEC
requires (4xx for anything malformed or refused; a 429 only when the case floods, with Retry-After); the hub process
is alive; nothing was applied — the writers' accepted_seq (a pull), the feeds of both offices (the observers pull
every new change: each must be one this script expects the hub to hold, §15's inert changes never), the hub's
digests of both offices and of the hub's own scope (`tambon records digest` on the hub's directory, compared with
this script's own merge of what the feeds carried), the attachment store (`blobs/have`) and the roster
(`tambon hub nodes`). An answer that is the right class but not the status or code SPEC names is a *deviation*,
printed but not a failure.

The last line on stdout is one JSON object: seed, cases, by_category, failures, deviations, hub_rss_hwm_kib (VmHWM
of the hub process, the highest over restarts) and more. The exit status is 1 if any case failed; each failure is
printed with its category, index and the command that replays it (`--seed N --only K`), and the distinct failures
are summed up at the end. If the hub crashes, the fuzzer records it (with the runtime's message and the first frames
of the hub's backtrace), restarts the hub on the same directory and goes on. Control round failed: exit status 2.
"""
import argparse
import ctypes
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tambon_protocol as tp  # noqa: E402

A, B = "6500101", "6500102"
DEFAULT_SEED = 20261202
DEFAULT_CASES = 250
LONG_CASES = 4000
PUSH, PULL, HAVE, GET, ENROL, PUT = "/v1/push", "/v1/pull", "/v1/blobs/have", "/v1/blobs/get", "/v1/enrol", "/v1/blobs/put"
HUGE_CURSOR = 8_000_000_000_000_000  # below the hub's 9e15 bound: an empty page that still answers accepted_seq
INT64_MAX = 2**63 - 1


class Raw:
    """JSON text spliced as is (NaN, 1e400, 2^63 written out, -0 …)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return "Raw(%r)" % self.text[:40]


def enc(v):
    """JSON text (UTF-8 bytes) of a value that may hold Raw pieces."""
    return _enc(v).encode("utf-8", "surrogatepass")


def _enc(v):
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _enc(x) for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_enc(x) for x in v) + "]"
    if isinstance(v, float) and v != v:
        return "NaN"
    return json.dumps(v, ensure_ascii=False)


def has_raw(v):
    if isinstance(v, Raw):
        return True
    if isinstance(v, dict):
        return any(has_raw(x) for x in v.values())
    if isinstance(v, (list, tuple)):
        return any(has_raw(x) for x in v)
    return False


def sign_any(node, body, key=None):
    """hash and sig for a (possibly malformed) change body; Raw pieces are hashed as their text."""
    if has_raw(body):
        text = _enc({k: v for k, v in sorted(body.items()) if k not in ("hash", "sig")}).encode("utf-8", "surrogatepass")
        digest = tp.hashlib.sha256(text).digest()
        return dict(body, hash=digest.hex(), sig=(key or node).sign(digest).hex())
    try:
        return node.sign_body(body, key=key)
    except Exception:
        text = _enc(body).encode("utf-8", "surrogatepass")
        digest = tp.hashlib.sha256(text).digest()
        return dict(body, hash=digest.hex(), sig=(key or node).sign(digest).hex())


# --- the hub process -----------------------------------------------------------------------------------------------

def _die_with_parent():
    """Runs in the child before exec: the hub gets SIGTERM if this script dies, even by SIGKILL."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    os.setsid()


class Hub:
    def __init__(self, binary, root):
        self.binary = binary
        self.root = root
        self.data = os.path.join(root, "hub")
        self.proc = None
        self.log_path = os.path.join(root, "hub.log")
        self.log = None
        self.port = None
        self.client = None
        self.hwm_kib = 0
        self.restarts = 0
        self.starts = []

    def cli(self, *args, check=True, timeout=60):
        r = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("tambon %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr.strip()))
        return r

    def init(self):
        out = self.cli("hub", "init", "--data", self.data, "--name", "fuzz hub").stdout
        return out

    def start(self):
        self.log = open(self.log_path, "ab")
        self.log.write(b"\n=== start %d ===\n" % len(self.starts))
        self.log.flush()
        offset = self.log.tell()
        self.proc = subprocess.Popen([self.binary, "hub", "serve", "--data", self.data, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.DEVNULL, stderr=self.log, preexec_fn=_die_with_parent)
        self.starts.append(self.proc.pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                m = re.search(rb"address=https://127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                self.client = tp.HubClient("127.0.0.1", self.port, os.path.join(self.data, "hub-ca.pem"))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("the hub did not start:\n" + self.log_tail())

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def sample_rss(self):
        """VmHWM of the running hub (KiB); keeps the highest seen over restarts."""
        if not self.alive():
            return self.hwm_kib
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.hwm_kib = max(self.hwm_kib, int(line.split()[1]))
        except OSError:
            pass
        return self.hwm_kib

    def rss_now(self):
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None

    def exit_description(self):
        rc = self.proc.poll() if self.proc else None
        if rc is None:
            return "running"
        if rc < 0:
            return "killed by signal %d (%s)" % (-rc, signal.Signals(-rc).name)
        return "exited with status %d" % rc

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(max(0, os.path.getsize(self.log_path) - 20000))
                text = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(text[-lines:])
        except OSError:
            return ""

    def settle(self, seconds=30):
        """Waits until the hub answers GET /v1/hello again or has exited."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.alive():
            r = self.client.request("GET", "/v1/hello", timeout=2)
            if r.status == 200:
                return
            time.sleep(0.2)

    def crash_summary(self):
        """The runtime's message and the first frames in Tambon's sources, from the last run's log."""
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        text = text[text.rfind("=== start"):]
        lines = text.splitlines()
        keep = [l.strip() for l in lines if re.search(r"Fatal error|runtime failure|Crashed|crashed:", l)][:3]
        keep += [re.sub(r"^\s*\d+\s+(\[\w+\]\s*)*0x[0-9a-f]+\s+", "", l.strip())
                 for l in lines if "/Sources/" in l and " in tambon at " in l][:4]
        return "\n".join(keep) or "\n".join(lines[-12:])

    def restart(self):
        self.stop()
        self.restarts += 1
        self.start()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.sample_rss()
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.log:
            self.log.close()
            self.log = None


# --- requests ---------------------------------------------------------------------------------------------------------

class Req:
    def __init__(self, method, path, wire, headers, node=None):
        self.method, self.path, self.wire, self.headers, self.node = method, path, wire, headers, node

    def describe(self):
        h = {k: (v if len(str(v)) < 200 else str(v)[:60] + "…(%d)" % len(str(v))) for k, v in self.headers.items()}
        body = self.wire[:300]
        return "%s %s headers=%s body(%d bytes)=%r" % (self.method, self.path[:200], h, len(self.wire), body)


class World:
    """The hub, the Python nodes, and what this script expects the hub to hold."""

    def __init__(self, hub, seed):
        self.hub = hub
        self.hub_id = None
        self.nodes = {}
        self.observers = {}
        self.feeds = {A: tp.Replica(), B: tp.Replica()}
        self.cursors = {A: 0, B: 0}
        self.applied = set()       # (origin, seq) of every change this script expects the hub to have merged
        self.inert = set()         # (origin, seq) refused by §15: held, never in a feed
        self.hub_seen = set()      # (origin, seq) of the hub's own changes seen in any feed
        self.digest_state = {}     # scope → (hub digest, model digest) after the last check
        self.hub_scope_digest = None
        self.last_ok = {}          # node name → last Req answered 2xx (for replays)
        self.blobs = {}
        self.cache = {}
        self.setup_rng = random.Random("setup-%d" % seed)
        self.lock = threading.Lock()

    @property
    def client(self):
        return self.hub.client

    # nodes
    def new_node(self, name, office, role):
        seed = bytes(self.setup_rng.getrandbits(8) for _ in range(32))
        node = tp.PyNode(name, seed, office, role)
        node.broken = False
        self.nodes[name] = node
        return node

    def stranger(self, rng):
        n = tp.PyNode("stranger", bytes(rng.getrandbits(8) for _ in range(32)), A, "office")
        n.broken = False
        return n

    # requests
    def build(self, node, path, body=b"", method="POST", gz=False, wire=None, nonce=None, key=None, sign_wire=None,
              sign_path=None, sign_method=None, sign_hub=None, headers=None, drop=(), content_type="application/json",
              encoding=tp.MISSING, time_header=tp.MISSING):
        if isinstance(body, (dict, list)):
            body = enc(body)
        if wire is None:
            wire = tp.gzip_bytes(body) if gz else body
        n = node.next_nonce() if nonce is None else nonce
        h = tp.request_headers(node, sign_method or method, sign_path or path, sign_hub or self.hub_id, n,
                               wire if sign_wire is None else sign_wire, key=key, content_type=content_type)
        h["Tambon-Nonce"] = str(n)
        if gz:
            h["Content-Encoding"] = "gzip"
        if encoding is not tp.MISSING:
            if encoding is None:
                h.pop("Content-Encoding", None)
            else:
                h["Content-Encoding"] = encoding
        if time_header is not tp.MISSING:
            h["Tambon-Time"] = time_header
        h["Accept-Encoding"] = "gzip"
        h.update(headers or {})
        for d in drop:
            h.pop(d, None)
        return Req(method, path, wire, h, node)

    def send(self, req, timeout=None):
        r = self.client.request(req.method, req.path, req.wire, req.headers, timeout=timeout)
        r.req = req
        if r.status is not None and 200 <= r.status < 300 and req.node is not None:
            with self.lock:
                self.last_ok[req.node.name] = req
        return r

    def post(self, node, path, body=b"", timeout=None, **kw):
        return self.send(self.build(node, path, body, **kw), timeout=timeout)

    def send_many(self, reqs, timeout=None):
        with ThreadPoolExecutor(max_workers=len(reqs)) as ex:
            return list(ex.map(lambda q: self.send(q, timeout), reqs))

    @staticmethod
    def push_body(changes, omit_hash=True, omit_prev=False, protocol=2):
        """`{"protocol": 2, "changes": [...]}` as a node writes it (hash left out; prev left out when allowed)."""
        out, before = [], None
        for ch in changes:
            ch = dict(ch)
            if omit_hash:
                ch.pop("hash", None)
            if (omit_prev and before is not None and before.get("origin") == ch.get("origin")
                    and isinstance(ch.get("seq"), int) and before.get("seq") == ch["seq"] - 1
                    and ch.get("prev") == before.get("hash")):
                ch.pop("prev", None)
            out.append(ch)
            before = dict(ch, hash=changes[len(out) - 1].get("hash"))
        env = {"protocol": protocol, "changes": out}
        return enc(env)

    def pull_body(self, after=0, limit=2000):
        return enc({"protocol": 2, "after": after, "limit": limit})

    def accepted_seq(self, node):
        r = self.post(node, PULL, self.pull_body(HUGE_CURSOR, 1))
        j = r.json()
        if r.status == 200 and isinstance(j, dict):
            return j.get("accepted_seq")
        return None

    def pull_feed(self, office):
        """New changes of `office`'s feed, as its observer pulls them."""
        obs = self.observers[office]
        got = []
        for _ in range(10000):
            r = self.post(obs, PULL, self.pull_body(self.cursors[office], 2000))
            j = r.json()
            if r.status != 200 or not isinstance(j, dict):
                raise FeedError("observer pull of %s answered %r" % (office, r))
            got.extend(tp.expand_batch(j.get("changes", [])))
            self.cursors[office] = j["cursor"]
            if not j.get("more"):
                break
        return got

    def digest(self, scope):
        r = self.hub.cli("records", "digest", "--data", self.hub.data, "--scope", scope, check=False)
        return r.stdout.strip() if r.returncode == 0 else "error: " + r.stderr.strip()

    def roster(self):
        r = self.hub.cli("hub", "nodes", "--data", self.hub.data, check=False)
        return r.stdout

    def blob_state(self):
        node = self.nodes["officeA"]
        r = self.post(node, HAVE, enc({"protocol": 2, "blobs": [{"sha256": b["sha256"], "size": b["size"]}
                                                                for b in self.blobs.values()]}))
        j = r.json()
        if r.status != 200 or not isinstance(j, dict):
            return "have answered %r" % r
        return json.dumps(j.get("blobs"), sort_keys=True)


class FeedError(Exception):
    pass


# --- a case: expectations and checks --------------------------------------------------------------------------------

def status_matches(status, allowed):
    for token in allowed.split("|"):
        if token.endswith("xx") and status // 100 == int(token[0]):
            return True
        if token.isdigit() and status == int(token):
            return True
    return False


class Case:
    def __init__(self, w, index, category):
        self.w = w
        self.index = index
        self.category = category
        self.kind = "?"
        self.failures = []
        self.deviations = []
        self.writers = {}          # name → node whose accepted_seq is probed at the end
        self.pending = {}          # name → changes that may have advanced the node's chain
        self.must_see = []         # changes the feeds must carry
        self.allow_hub = False     # hub-origin roster changes may appear (enrolments, revocations, sharing)
        self.roster_ok = set()     # node ids whose roster entry the hub may republish in this case
        self.flood = False
        self.too_many = 0
        self.statuses = []
        self.log = []

    def fail(self, msg):
        self.failures.append(msg)

    def dev(self, msg):
        self.deviations.append(msg)

    def expect(self, r, allowed="4xx", want=None, what="", allow_drop=False):
        """Checks one answer: no drop or timeout, no 5xx, the allowed class; a deviation if not SPEC's status/code."""
        label = (what + ": ") if what else ""
        self.statuses.append(r.status)
        req = getattr(r, "req", None)
        if r.status is None:
            if allow_drop:
                self.dev("%sno answer (%s)" % (label, r.error.split(":")[0]))
            else:
                self.fail("%sno answer: %s\n    request: %s" % (label, r.error, req.describe() if req else "?"))
            return r
        if r.status >= 500:
            self.fail("%s%d %s\n    request: %s" % (label, r.status, r.body[:300], req.describe() if req else "?"))
            return r
        if r.status == 429:
            self.too_many += 1
            if not self.flood:
                self.fail("%s429 outside a flood (a request slot leaked?): %s" % (label, r.body[:200]))
            if "retry-after" not in r.headers:
                self.fail("%s429 without Retry-After" % label)
            return r
        if not status_matches(r.status, allowed):
            self.fail("%sanswered %d (%s), expected %s\n    request: %s" % (
                label, r.status, r.body[:300].decode("utf-8", "replace"), allowed, req.describe() if req else "?"))
            return r
        if r.status >= 400 and not isinstance(r.json(), dict):
            self.dev("%s%d without a JSON error body: %r" % (label, r.status, r.body[:100]))
        if want is not None:
            ws, wc = want if isinstance(want, tuple) else (want, None)
            got_code = r.code()
            if (ws is not None and r.status != ws) or (wc is not None and got_code not in (wc if isinstance(wc, (set, frozenset)) else {wc})):
                self.dev("%sSPEC: %s %s; hub: %d %s" % (label, ws or "", "/".join(sorted(wc)) if isinstance(wc, (set, frozenset)) else (wc or ""),
                                                         r.status, got_code))
        return r

    def account(self, node, changes, r, mode, what=""):
        """What a push did to `node`'s chain. mode: "refuse" (SPEC: 4xx, nothing applied), "accept" (SPEC: applied,
        judged by §15), "either" (atomic: all or nothing, whichever the hub answers), "valid" (SPEC: applied; a
        refusal is a deviation)."""
        w = self.w
        self.writers[node.name] = node
        self.pending.setdefault(node.name, []).extend(c for c in changes if c.get("origin") == node.id)
        label = (what + ": ") if what else ""
        j = r.json() if r.status is not None else None
        took = r.status is not None and (200 <= r.status < 300 or (r.status == 403 and isinstance(j, dict) and "refused" in j))
        if not took:
            if mode == "accept":
                self.fail("%sa valid push was refused: %r" % (label, r))
            elif mode == "valid" and r.status is not None and r.status < 500:
                self.dev("%sa push SPEC allows was refused: %d %s" % (label, r.status, r.code()))
            return
        if mode == "refuse":
            self.fail("%sthe hub took a push it must refuse (%d %s)\n    request: %s" % (
                label, r.status, r.body[:300], r.req.describe() if getattr(r, "req", None) else "?"))
        acc = j.get("accepted_seq") if isinstance(j, dict) else None
        committed = self.commit(node, changes, acc)
        hub_refused = {x.get("seq"): x.get("reason") for x in (j.get("refused") or [])} if isinstance(j, dict) else {}
        self.judge(node, committed, hub_refused, r.status, label)

    def commit(self, node, changes, upto):
        committed = []
        if not isinstance(upto, int):
            return committed
        for ch in sorted((c for c in changes if c.get("origin") == node.id and isinstance(c.get("seq"), int)),
                         key=lambda c: c["seq"]):
            if ch["seq"] == node.seq + 1 and ch["seq"] <= upto and isinstance(ch.get("hash"), str):
                node.commit(ch)
                committed.append(ch)
        if upto != node.seq:
            self.fail("accepted_seq %s after the push, but %s's chain is at %d" % (upto, node.name, node.seq))
        return committed

    def judge(self, node, committed, hub_refused, status, label=""):
        """§15 for each committed change: python's decision against the hub's."""
        w = self.w
        for ch in committed:
            try:
                _, reason = tp.authority_decide(ch, node.writer())
            except Exception as e:  # a change this script could not judge (malformed on purpose)
                reason = "unjudgeable: %r" % e
            key = tp.change_key(ch)
            got = hub_refused.get(ch["seq"])
            if reason is None and got is None:
                w.applied.add(key)
                self.must_see.append(ch)
                # §15.4: when a writer's change reaches another office (its scope, or the record's held scope, §6.1),
                # the hub extends the writer's roster entry, and that office gets the entry's whole history.
                self.roster_ok.add(node.id)  # the hub extends the writer's roster entry to the record's offices
            elif reason is None:
                self.fail("%sthe hub refused #%d (%s/%s) as %s; §15 allows it" % (label, ch["seq"], ch["collection"], ch["record"], got))
                w.inert.add(key)
            elif got is None:
                self.fail("%sthe hub ACCEPTED #%d (%s/%s, scope %s) that §15 refuses (%s)" % (
                    label, ch["seq"], ch["collection"], ch["record"], ch["scope"], reason))
                w.applied.add(key)
                self.must_see.append(ch)
                self.allow_hub = True
            else:
                w.inert.add(key)
                if got != reason:
                    self.dev("%s#%d %s/%s refused as %s; §15 says %s" % (label, ch["seq"], ch["collection"], ch["record"], got, reason))
        if status is not None and 200 <= status < 300 and hub_refused:
            self.fail("%s2xx with a refused list" % label)
        if status == 403 and not hub_refused:
            self.fail("%s403 without refused entries" % label)


# --- checks after every case ------------------------------------------------------------------------------------------

def check_state(w, c, blob_before=None, roster_before=None):
    hub = w.hub
    if not hub.alive():
        return
    # 1. Each writer's accepted_seq is where this script's chain is.
    for name, node in c.writers.items():
        if node.revoked or node.broken:
            continue
        acc = w.accepted_seq(node)
        if acc is None:
            if hub.alive():
                c.fail("could not read %s's accepted_seq" % name)
            continue
        if acc != node.seq:
            c.fail("%s's accepted_seq is %d at the hub, %d in the model: the hub %s" % (
                name, acc, node.seq, "applied something it refused" if acc > node.seq else "lost changes"))
            if acc > node.seq:
                c.commit(node, c.pending.get(name, []), acc)
                for ch in c.pending.get(name, []):
                    if ch.get("seq", 0) <= node.seq and tp.change_key(ch) not in w.applied:
                        w.applied.add(tp.change_key(ch))
            if acc != node.seq:
                node.broken = True
    # 2. The feeds carry exactly what the hub may hold.
    for office in (A, B):
        try:
            new = w.pull_feed(office)
        except FeedError as e:
            if hub.alive():
                c.fail(str(e))
            return
        for ch in new:
            key = tp.change_key(ch)
            if key in w.applied:
                pass
            elif ch.get("origin") == w.hub_id:
                entry_of = str(ch.get("record", "")).rsplit(".", 1)[-1]
                if key in w.hub_seen:
                    pass  # a re-delivery (§6.1) of a roster change another office already had
                elif ch.get("collection") != "nodes" or not (c.allow_hub or entry_of in c.roster_ok):
                    c.fail("office %s's feed carries an unexpected hub change %s/%s" % (office, ch.get("collection"), ch.get("record")))
            else:
                c.fail("office %s's feed carries %s#%s %s/%s (scope %s) that the hub was to refuse%s" % (
                    office, ch.get("origin", "?")[:12], ch.get("seq"), ch.get("collection"), ch.get("record"),
                    ch.get("scope"), " (held inert)" if key in w.inert else ""))
                w.applied.add(key)
            if ch.get("origin") == w.hub_id:
                w.hub_seen.add(key)
            w.feeds[office].apply(ch)
    for ch in c.must_see:
        for office in (A, B):
            if office in ch["scope"] and tp.change_key(ch) not in w.feeds[office].seen:
                c.fail("accepted change #%d %s/%s is missing from office %s's feed" % (ch["seq"], ch["collection"], ch["record"], office))
    # 3. The hub's state equals this script's merge of the feeds; the hub's own scope never changes.
    with ThreadPoolExecutor(max_workers=4) as ex:
        digests = dict(zip((A, B, "hub"), ex.map(w.digest, (A, B, "hub"))))
    for office in (A, B):
        got, mine = digests[office], w.feeds[office].digest(office)
        before = w.digest_state.get(office)
        if before is None or before[0] == before[1]:
            if got != mine:
                c.fail("office %s: the hub's digest %s differs from the merge of its feed %s" % (office, got[:16], mine[:16]))
        elif (got != before[0]) != (mine != before[1]):
            c.fail("office %s: the hub's state and its feed moved apart again" % office)
        w.digest_state[office] = (got, mine)
    got = digests["hub"]
    if got != w.hub_scope_digest:
        c.fail("the hub's own scope changed: digest %s, was %s" % (got[:16], w.hub_scope_digest[:16]))
        w.hub_scope_digest = got
    if blob_before is not None:
        after = w.blob_state()
        if after != blob_before:
            c.fail("the attachment store changed: %s → %s" % (blob_before, after))
    if roster_before is not None and not c.allow_hub:
        after = roster_ids(w.roster())
        if after != roster_before:
            c.fail("the roster changed (tambon hub nodes): %s → %s" % (roster_before, after))


# --- setup and the control round -----------------------------------------------------------------------------------------

def token(w, office, role):
    return w.hub.cli("hub", "token", "--data", w.hub.data, "--office", office, "--role", role).stdout.strip()


def enrol(w, node, tok=None, office=None, **kw):
    body = {"token": tok or token(w, node.office, node.role), "office": office or node.office,
            "name": "fuzz " + node.name, "protocol": 2}
    return w.post(node, ENROL, enc(body), **kw)


def roster_ids(text):
    """`tambon hub nodes` reduced to what only enrolment and revocation change: id, office, role, status."""
    rows = []
    for line in text.splitlines():
        ids = re.findall(r"\b[0-9a-f]{64}\b|\b[0-9a-f]{12}\b", line)
        keep = re.findall(r"(?:office|role|status)=\S+", line)
        if ids or keep:
            rows.append((ids[:1], keep))
    return json.dumps(sorted(rows))


def push(w, c, node, changes, mode, gz=None, what="", omit_hash=True, omit_prev=False, **kw):
    body = w.push_body(changes, omit_hash=omit_hash, omit_prev=omit_prev)
    if gz is None:
        gz = len(body) > 512  # §9: a node compresses bodies over 512 bytes
    r = w.post(node, PUSH, body, gz=gz, **kw)
    allowed = {"refuse": "4xx", "accept": "2xx|403", "either": "2xx|4xx", "valid": "2xx|4xx"}[mode]
    c.expect(r, allowed, what=what)
    c.account(node, changes, r, mode, what=what)
    return r


def rid(rng, n=8):
    return "".join(rng.choice("ABCDEFGHJKMNPQRSTVWXYZ23456789") for _ in range(n))


def rhex(rng, nbytes=32):
    return "%0*x" % (nbytes * 2, rng.getrandbits(nbytes * 8))


def photo(h, size=48213):
    return {"sha256": h, "size": size, "type": "image/jpeg"}


def inspection(action="record-inspection", role="surveyor"):
    ev = {"action": action, "actor": "chai", "at": "%016x" % (tp.now_ms() << 16)}
    if role is not None:
        ev["role"] = role
    return ev


def valid_spec(rng, node):
    """A change this node may write (§15) and the hub must apply."""
    if node.role == "survey":
        h = rhex(rng)
        if rng.random() < 0.5:
            return ("applications", node.office + ".CTRL0001", [node.office], [tp.add_op("attachments", h, photo(h))])
        return ("applications", node.office + ".CTRL0001", [node.office],
                [tp.add_op("events", "ev-" + rid(rng), inspection())])
    scope = [node.office] + ([B if node.office == A else A] if rng.random() < 0.2 else [])
    return ("letters", node.office + ".f" + rid(rng), scope, [tp.set_op("subject", "fuzz %d" % rng.getrandbits(32))])


def writers(w):
    return [n for n in (w.nodes["officeA"], w.nodes["surveyA"], w.nodes["officeB"]) if not n.broken]


def pick(rng, w, office_only=False):
    ws = [n for n in writers(w) if not office_only or n.role == "office"]
    return rng.choice(ws)


def setup(w, args):
    hub = w.hub
    hub.init()
    hub.start()
    hello = hub.client.request("GET", "/v1/hello")
    if hello.status != 200:
        raise RuntimeError("GET /v1/hello answered %r" % hello)
    w.hub_id = hello.json()["hub"]
    c = Case(w, -1, "control")
    c.kind = "enrol"
    c.allow_hub = True
    for name, office, role in [("officeA", A, "office"), ("surveyA", A, "survey"), ("officeB", B, "office"),
                               ("obsA", A, "survey"), ("obsB", B, "survey"), ("revokee", A, "survey")]:
        node = w.new_node(name, office, role)
        r = c.expect(enrol(w, node), "2xx", what="enrol " + name)
        j = r.json() or {}
        if r.status == 200 and (j.get("hub") != w.hub_id or j.get("office") != office or j.get("role") != role):
            c.fail("enrol %s answered %s" % (name, j))
    w.observers = {A: w.nodes["obsA"], B: w.nodes["obsB"]}
    w.hub_scope_digest = w.digest("hub")
    rng = w.setup_rng
    # Attachments: file1 whole at the hub, file2 partly, file3 declared just under 1e12 bytes and never sent.
    f1 = bytes(rng.getrandbits(8) for _ in range(1024)) * 1536  # 1.5 MiB: two chunks
    f2 = bytes(rng.getrandbits(8) for _ in range(5000))
    w.blobs = {
        "file1": {"sha256": tp.sha256_hex(f1), "size": len(f1), "bytes": f1},
        "file2": {"sha256": tp.sha256_hex(f2), "size": len(f2), "bytes": f2},
        "file3": {"sha256": rhex(rng), "size": 999_999_999_999, "bytes": b""},
    }
    oa, ob, sa, rv = (w.nodes[n] for n in ("officeA", "officeB", "surveyA", "revokee"))
    c.kind = "push"
    attach = [tp.add_op("attachments", b["sha256"], {"sha256": b["sha256"], "size": b["size"], "type": "application/pdf"})
              for b in w.blobs.values()]
    push(w, c, oa, oa.chain([
        ("letters", A + ".control-1", [A], [tp.set_op("subject", "ควบคุม"), tp.set_op("n", 1)]),
        ("letters", A + ".shared-1", [A, B], [tp.set_op("subject", "ขอเชิญประชุม 😀"), tp.set_op("to", B)]),
        ("applications", A + ".CTRL0001", [A], [tp.set_op("status", "accepted"), tp.set_op("area_m2", 120.5)]),
        ("letters", A + ".blobs", [A], attach),
    ]), "accept", what="control push officeA")
    push(w, c, ob, ob.chain([("letters", B + ".control-1", [B], [tp.set_op("subject", "B")])]), "accept",
         what="control push officeB")
    push(w, c, sa, sa.chain([("applications", A + ".CTRL0001", [A], [tp.add_op("attachments", "ab" * 32, photo("ab" * 32)),
                                                                     tp.add_op("events", "ev-ctrl", inspection())])]),
         "accept", what="control push surveyA")
    push(w, c, rv, rv.chain([("applications", A + ".CTRL0001", [A], [tp.add_op("attachments", "cd" * 32, photo("cd" * 32))])]),
         "accept", what="control push revokee")
    check_state(w, c)
    if not any(tp.change_key(ch) in w.feeds[B].seen for ch in c.must_see if ch["record"] == A + ".shared-1"):
        c.fail("the shared letter did not reach office %s" % B)
    # Attachments: upload, ask, download.
    c.kind = "blobs"
    for name, data in (("file1", f1[:1 << 20]), ("file1", f1[1 << 20:]), ("file2", f2[:1000])):
        b = w.blobs[name]
        offset = 0 if name == "file2" or len(data) == 1 << 20 else 1 << 20
        r = w.post(oa, "%s/%s/%d/%d" % (PUT, b["sha256"], b["size"], offset), data, content_type="application/octet-stream",
                   headers={"Tambon-Chunk-SHA256": tp.sha256_hex(data)})
        c.expect(r, "2xx", what="control put %s@%d" % (name, offset))
    state = json.loads(w.blob_state())
    got = {x["sha256"]: (x.get("received"), x.get("complete")) for x in state}
    want = {w.blobs["file1"]["sha256"]: (len(f1), True), w.blobs["file2"]["sha256"]: (1000, False),
            w.blobs["file3"]["sha256"]: (0, False)}
    if got != want:
        c.fail("blobs/have answered %s, expected %s" % (got, want))
    for off, length in ((0, 1 << 20), (1 << 20, 1 << 20), (12345, 100)):
        r = c.expect(w.post(oa, GET, enc({"protocol": 2, "sha256": w.blobs["file1"]["sha256"], "offset": off, "length": length})),
                     "2xx", what="control get")
        if r.status == 200 and (r.body != f1[off:off + length] or r.headers.get("tambon-chunk-sha256") != tp.sha256_hex(r.body)):
            c.fail("blobs/get at %d answered the wrong bytes" % off)
    # Revocation: at once.
    c.kind = "revoke"
    hub.cli("hub", "revoke", "--data", hub.data, "--node", rv.id)
    rv.revoked = True
    c.expect(w.post(rv, PULL, w.pull_body()), "403", want=(403, "revoked_node"), what="pull after revocation")
    check_state(w, c)
    w.roster_baseline = roster_ids(w.roster())
    return c


# --- categories: JSON ------------------------------------------------------------------------------------------------------

def good_body(rng, w, node, target):
    """A valid body for `target` and, for a push, the changes it carries."""
    f1 = w.blobs["file1"]
    if target == PUSH:
        chs = node.chain([valid_spec(rng, node) for _ in range(rng.randint(1, 3))])
        return w.push_body(chs), chs
    if target == PULL:
        return w.pull_body(rng.choice([0, w.cursors[node.office]]), rng.randint(1, 2000)), []
    if target == HAVE:
        return enc({"protocol": 2, "blobs": [{"sha256": f1["sha256"], "size": f1["size"]}]}), []
    return enc({"protocol": 2, "sha256": f1["sha256"], "offset": rng.randrange(f1["size"]), "length": rng.randint(1, 4096)}), []


def insert(data, rng, piece):
    i = rng.randrange(1, len(data)) if len(data) > 1 else 0
    return data[:i] + piece + data[i:]


def before_last_brace(good, piece):
    return good[:-1] + piece + b"}"


MALFORMED = {
    "garbage": lambda g, r: bytes(r.getrandbits(8) for _ in range(r.randint(1, 3000))),
    "empty": lambda g, r: b"",
    "whitespace_only": lambda g, r: b" \n\t\r" * r.randint(1, 100),
    "invalid_utf8": lambda g, r: before_last_brace(g, b',"x":"' + r.choice([b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]) + b'"'),
    "lone_surrogate_escape": lambda g, r: before_last_brace(g, b',"x":"' + r.choice([b"\\ud800", b"\\udfff", b"\\ud800\\u0041", b"\\udc00\\ud800"]) + b'"'),
    "duplicate_key": lambda g, r: b'{"protocol":2,' + g[1:],
    "duplicate_key_escaped": lambda g, r: b'{"\\u0070rotocol":2,' + g[1:],
    "trailing_garbage": lambda g, r: g + r.choice([b"x", b"}", b"{}", b"\x00", b",", b"]", b"\x1a"]),
    "two_documents": lambda g, r: g + r.choice([b"", b" ", b"\n"]) + g,
    "non_object": lambda g, r: r.choice([b"[]", b"null", b"1", b'"s"', b"true", b"[" + g + b"]", b"-0", b"1e400"]),
    "nul_byte": lambda g, r: insert(g, r, b"\x00"),
    "comment": lambda g, r: r.choice([b"/*c*/" + g, g[:-1] + b"//c\n}", b"#\n" + g]),
    "single_quotes": lambda g, r: g.replace(b'"', b"'"),
    "trailing_comma": lambda g, r: before_last_brace(g, b","),
    "unquoted_key": lambda g, r: before_last_brace(g, b",x:1"),
    "nan_literal": lambda g, r: before_last_brace(g, b',"x":' + r.choice([b"NaN", b"Infinity", b"-Infinity", b"nan", b"undefined"])),
    "number_out_of_range": lambda g, r: before_last_brace(g, b',"x":' + r.choice([b"1e400", b"-1e400", b"1" + b"0" * 400, b"2e308"])),
    "bad_number": lambda g, r: before_last_brace(g, b',"x":' + r.choice([b"01", b"1.", b".5", b"+1", b"-", b"1e", b"0x10", b"1e+", b"--1", b"1_000"])),
    "unescaped_control": lambda g, r: before_last_brace(g, b',"x":"a' + bytes([r.randrange(0, 32)]) + b'b"'),
    "bad_escape": lambda g, r: before_last_brace(g, b',"x":"' + r.choice([b"\\x41", b"\\u12", b"\\uzzzz", b"\\", b"\\U0001F600", b"\\a"]) + b'"'),
    "unterminated": lambda g, r: r.choice([g[:-1], g[:-1] + b',"x":"abc}', g + b'"', b"{" * 3]),
    "bom": lambda g, r: b"\xef\xbb\xbf" + g,
    "utf16": lambda g, r: g.decode().encode("utf-16"),
}


def cat_malformed_json(rng, w, c):
    node = pick(rng, w)
    target = rng.choice([PUSH, PUSH, PULL, HAVE, GET])
    good, chs = good_body(rng, w, node, target)
    c.kind = rng.choice(sorted(MALFORMED))
    body = MALFORMED[c.kind](good, rng)
    r = w.post(node, target, body, gz=rng.random() < 0.3)
    want = (400, {"malformed_json", "malformed_message"})
    lenient = c.kind in ("bom",)  # RFC 8259 lets a parser ignore a BOM
    c.expect(r, "2xx|4xx" if lenient else "4xx", want=want, what=c.kind)
    if chs:
        c.account(node, chs, r, "either" if lenient else "refuse", what=c.kind)


def cat_truncated_body(rng, w, c):
    node = pick(rng, w)
    target = rng.choice([PUSH, PUSH, PULL, HAVE, GET, ENROL])
    if target == ENROL:
        node = w.stranger(rng)
        good, chs = enc({"token": "tbn1." + rhex(rng, 24), "office": A, "name": "x", "protocol": 2}), []
    else:
        good, chs = good_body(rng, w, node, target)
    c.kind = rng.choice(["cut", "cut", "cut_then_gzip", "content_length_short", "content_length_long"])
    if c.kind in ("cut", "cut_then_gzip"):
        body = good[:rng.randrange(0, len(good))]
        r = w.post(node, target, body, gz=c.kind == "cut_then_gzip")
        c.expect(r, "4xx", want=(400, "malformed_json"), what=c.kind)
    elif c.kind == "content_length_short":
        # Content-Length says less than is sent: the hub reads a truncated body (the signature is over the whole).
        q = w.build(node, target, good)
        cut = rng.randrange(0, len(good))
        q.headers["Content-Length"] = str(cut)
        r = w.send(q)
        c.expect(r, "4xx", want=(401, "bad_request_signature"), what=c.kind, allow_drop=True)
    else:
        # Content-Length says more than is sent, then the client goes quiet and closes: the hub must simply go on.
        q = w.build(node, target, good)
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (q.method, q.path)
        head += "".join("%s: %s\r\n" % kv for kv in q.headers.items())
        head += "Content-Length: %d\r\n\r\n" % (len(good) + rng.randint(1, 10000))
        out = w.client.raw_tls(head.encode() + good, read_timeout=1.0)
        c.log.append("no body for the announced length; the hub answered %r" % out[:80])
        r = tp.Response(status=400)  # nothing to judge: the client broke the framing on purpose
    if chs:
        c.account(node, chs, r, "refuse", what=c.kind)


def nested(depth, kind):
    if kind == "array":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def cat_deep_nesting(rng, w, c):
    node = pick(rng, w)
    c.kind = rng.choice(["array_65", "object_65", "array_100k_open", "object_100k_open", "array_5M_open", "gzip_array_30M",
                         "pull_member_depth_64", "pull_member_depth_65", "value_depth_33", "value_depth_59", "value_depth_60",
                         "value_depth_100k"])
    if c.kind in ("array_65", "object_65"):
        body = nested(65, c.kind.split("_")[0]).encode()
        c.expect(w.post(node, PULL, body), "4xx", want=(400, "malformed_json"), what=c.kind)
    elif c.kind.endswith("_open"):
        n = {"array_100k_open": 100_000, "object_100k_open": 100_000, "array_5M_open": 5_000_000}[c.kind]
        body = (b"[" if c.kind.startswith("array") else b'{"a":') * n
        c.expect(w.post(node, rng.choice([PUSH, PULL, HAVE, GET]), body[:tp.MAX_WIRE]), "4xx", want=(400, "malformed_json"), what=c.kind)
    elif c.kind == "gzip_array_30M":
        body = w.cache.setdefault("gz30M", tp.gzip_stream([b"[" * (1 << 20)] * 30))
        c.expect(w.post(node, PULL, b"", wire=body, gz=True), "4xx", want=(400, "malformed_json"), what=c.kind)
    elif c.kind.startswith("pull_member_depth"):
        depth = int(c.kind.rsplit("_", 1)[1])
        # The envelope is level 1: a member nested depth-1 levels makes the document depth levels deep.
        body = ('{"protocol":2,"after":0,"limit":1,"x":' + nested(depth - 1, rng.choice(["array", "object"])) + "}").encode()
        if depth <= 64:
            c.expect(w.post(node, PULL, body), "2xx|4xx", want=200, what=c.kind)
        else:
            c.expect(w.post(node, PULL, body), "4xx", want=(400, "malformed_json"), what=c.kind)
    else:
        depth = {"value_depth_33": 33, "value_depth_59": 59, "value_depth_60": 60, "value_depth_100k": 100_000}[c.kind]
        node = pick(rng, w, office_only=True)
        spec = list(valid_spec(rng, node))
        if depth <= 1000:
            value = json.loads(nested(depth, rng.choice(["array", "object"])))
            spec[3] = [tp.set_op("deep", value)]
            chs = node.chain([tuple(spec)])
            # Document depth = 5 (envelope, changes, change, ops, op) + the value's: SPEC (§1) allows 64.
            push(w, c, node, chs, "valid" if depth + 5 <= 64 else "refuse", what=c.kind)
        else:
            ch = node.chain([tuple(spec)])[0]
            text = w.push_body([ch]).replace(b'"value":', b'"value":' + b"[" * depth, 1)
            r = c.expect(w.post(node, PUSH, text, gz=True), "4xx", want=(400, "malformed_json"), what=c.kind)
            c.account(node, [ch], r, "refuse")


WRONG_VALUES = [None, True, False, 0, -1, 1.5, Raw("-0"), 1e300, -1e300, "x", "", [], {}, [1], {"a": 1},
                Raw("9223372036854775808"), Raw("1e400"), Raw("NaN"), "A" * 5000, Raw("1E2"), Raw("5e-324")]


def json_value(v):
    """The value JSON would carry for v (Raw parsed), or a marker for text JSON cannot carry."""
    if isinstance(v, Raw):
        try:
            x = json.loads(v.text)
        except Exception:
            return "<invalid>"
        if isinstance(x, float) and (x != x or x in (float("inf"), float("-inf"))):
            return "<invalid>"
        return x
    return v


# I-JSON (RFC 7493 §2.2), SPEC §1: integers are exact in [-(2**53 - 1), 2**53 - 1]; 2**53 is already ambiguous
# (2**53 + 1 reads as the same double), so the hub refuses it wherever an integer is read.
MAX_SAFE = 2**53 - 1


def is_int_in(v, lo, hi):
    v = json_value(v)
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == int(v) and lo <= v <= hi


def wrong_for(rng, valid):
    """A value from WRONG_VALUES that `valid` (a predicate on the JSON value) refuses."""
    for _ in range(100):
        v = rng.choice(WRONG_VALUES)
        try:
            ok = valid(json_value(v))
        except Exception:
            ok = False
        if not ok:
            return v
    return None


def is_str(pattern):
    return lambda v: isinstance(v, str) and re.fullmatch(pattern, v) is not None


CHANGE_FIELDS = {
    "v": lambda v: is_int_in(v, 1, 1),
    "origin": lambda v: False,  # anything but the node's own id is wrong
    "seq": lambda v: False,
    "hlc": is_str(r"[0-9a-f]{16}"),
    "collection": is_str(r"[a-z][a-z0-9_.-]{0,63}"),
    "record": is_str(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}"),
    "scope": lambda v: False,
    "ops": lambda v: False,
    "prev": lambda v: False,
    "hash": lambda v: False,
    "sig": lambda v: False,
}
BAD_STRINGS = {
    "hlc": ["", "0", "%016X" % (1 << 60), "g" * 16, "1" * 17, " " + "1" * 15],
    "collection": ["", "A", "1a", "a b", "a" * 65, "é", "a/b", "_a"],
    "record": ["", ".", "-a", "a b", "a" * 129, "a/b", "ก", "a\u0000"],
    "origin": ["", "00" * 32, "AB" * 32, "a" * 63, "zz" * 32],
    "prev": ["", "A" * 64, "0" * 63, "g" * 64],
    "hash": ["", "F" * 64, "0" * 63],
    "sig": ["", "F" * 128, "0" * 127],
}


def cat_wrong_types(rng, w, c):
    node = pick(rng, w)
    target = rng.choice(["push", "change", "change", "change", "op", "scope", "pull", "have", "get", "enrol"])
    lenient = False
    chs = []
    if target in ("push", "change", "op", "scope"):
        ch = node.chain([valid_spec(rng, node)])[0]
        chs = [ch]
        if target == "push":
            field = rng.choice(["protocol", "changes"])
            env = {"protocol": 2, "changes": [ch]}
            env[field] = wrong_for(rng, lambda v: False) if field == "changes" else wrong_for(rng, lambda v: v == 2)
            lenient = field == "protocol"  # the hub reads the protocol from its header (§9)
            body = enc(env)
            c.kind = "push.%s=%r" % (field, env[field])[:60]
        else:
            bad = {k: v for k, v in ch.items() if k not in ("hash", "sig")}
            override = None
            if target == "change":
                field = rng.choice(sorted(CHANGE_FIELDS))
                if field in BAD_STRINGS and rng.random() < 0.4:
                    value = rng.choice(BAD_STRINGS[field])
                elif field == "origin" and rng.random() < 0.3:
                    value = ch["origin"].upper()
                elif field in ("prev", "hash", "sig") and rng.random() < 0.3:
                    value = ch[field].upper()
                else:
                    value = wrong_for(rng, CHANGE_FIELDS[field])
                if field in ("hash", "sig"):
                    override = (field, value)
                else:
                    bad[field] = value
                c.kind = "change.%s=%r" % (field, value)
            elif target == "op":
                op = dict(ch["ops"][0])
                field = rng.choice(["op", "field", "id", "value", "extra", "missing"])
                if field == "extra":
                    op["extra"] = 1
                elif field == "missing":
                    op.pop(rng.choice(sorted(op)))
                elif field == "op":
                    op["op"] = rng.choice(["del", "", "SET", "Add", None, 1, ["set"]])
                elif field == "value":
                    op["value"] = rng.choice([Raw("NaN"), Raw("1e400"), Raw("Infinity")])
                elif field == "id" and op["op"] == "set":
                    op["id"] = "x"  # an id on a set: not exactly op, field and value
                else:
                    op[field] = rng.choice(["", "-a", "1a", "a b", ("a" * 65) if field == "field" else ("a" * 129), None, 1, [], {}])
                bad["ops"] = [op] + ch["ops"][1:]
                c.kind = "op.%s" % field
            else:
                value = rng.choice([[], [A, A], [B, A], [1], [None], [""], ["a" * 33], [A, "x y"],
                                    [A] + ["o%02d" % i for i in range(64)], A, {"0": A}, ["hub", A]])
                if value == ["hub", A]:
                    value = ["hub", A]  # unsorted ("6…" < "h…"): malformed before §15 is asked
                bad["scope"] = value
                c.kind = "scope=%r" % (value,)
            signed = sign_any(node, bad)
            if override:
                signed[override[0]] = override[1]
            elif rng.random() < 0.7:
                signed.pop("hash", None)
            body = enc({"protocol": 2, "changes": [signed]})
            c.kind = c.kind[:80]
        r = w.post(node, PUSH, body, gz=len(body) > 512)
        c.expect(r, "2xx|4xx" if lenient else "4xx", what=c.kind)
        c.account(node, chs, r, "either" if lenient else "refuse", what=c.kind)
        return
    if target == "pull":
        field = rng.choice(["after", "limit", "protocol", "whole"])
        env = {"protocol": 2, "after": 0, "limit": 10}
        if field == "whole":
            env = rng.choice([{}, {"after": 0}, {"limit": 1}, {"protocol": 2}])
        else:
            valid = {"after": lambda v: is_int_in(v, 0, MAX_SAFE), "limit": lambda v: is_int_in(v, 1, MAX_SAFE),
                     "protocol": lambda v: v == 2}[field]
            env[field] = wrong_for(rng, valid)
            lenient = field == "protocol"
        c.kind = ("pull.%s=%r" % (field, env.get(field, env)))[:80]
        c.expect(w.post(node, PULL, enc(env)), "2xx|4xx" if lenient else "4xx", what=c.kind)
    elif target == "have":
        f1 = w.blobs["file1"]
        field = rng.choice(["blobs", "item", "sha256", "size", "protocol"])
        env = {"protocol": 2, "blobs": [{"sha256": f1["sha256"], "size": f1["size"]}]}
        if field == "blobs":
            env["blobs"] = wrong_for(rng, lambda v: isinstance(v, list))
        elif field == "item":
            env["blobs"] = [wrong_for(rng, lambda v: False)]
        elif field == "sha256":
            env["blobs"][0]["sha256"] = rng.choice([wrong_for(rng, lambda v: False), f1["sha256"].upper(), f1["sha256"][:-1]])
        elif field == "size":
            env["blobs"][0]["size"] = wrong_for(rng, lambda v: is_int_in(v, 0, MAX_SAFE))
            lenient = True  # the hub answers for the hash; SPEC does not say it checks the size here
        else:
            env["protocol"] = wrong_for(rng, lambda v: v == 2)
            lenient = True
        c.kind = ("have.%s" % field)
        c.expect(w.post(node, HAVE, enc(env)), "2xx|4xx" if lenient else "4xx", what=c.kind)
    elif target == "get":
        f1 = w.blobs["file1"]
        field = rng.choice(["sha256", "offset", "length", "protocol"])
        env = {"protocol": 2, "sha256": f1["sha256"], "offset": 0, "length": 100}
        valid = {"sha256": lambda v: v == f1["sha256"], "offset": lambda v: is_int_in(v, 0, f1["size"]),
                 "length": lambda v: is_int_in(v, 1, MAX_SAFE), "protocol": lambda v: v == 2}[field]
        env[field] = wrong_for(rng, valid)
        lenient = field == "protocol"
        c.kind = ("get.%s=%r" % (field, env[field]))[:80]
        r = c.expect(w.post(node, GET, enc(env), timeout=30), "2xx|4xx" if lenient else "4xx", what=c.kind)
    else:
        stranger = w.stranger(rng)
        field = rng.choice(["token", "office", "name", "restore", "protocol"])
        env = {"token": "tbn1." + rhex(rng, 24), "office": A, "name": "x", "protocol": 2}
        env[field] = wrong_for(rng, lambda v: False)
        c.kind = ("enrol.%s=%r" % (field, env[field]))[:80]
        c.expect(w.post(stranger, ENROL, enc(env)), "4xx", what=c.kind)


# --- categories: numbers, strings, sizes -------------------------------------------------------------------------------------

VALID_NUMBER_TEXTS = ["1e300", "-1e300", "5e-324", "1.7976931348623157e308", "9007199254740993", "-0", "-0.0", "1e21",
                      "1e-7", "123456789012345678901234567890", "0.1", "100e-2", "4.35", "2.5e-3", "-1E+2", "1e+21",
                      "333333333.33333329", "0.000001", "9007199254740992", "18446744073709551616"]


def cat_huge_numbers(rng, w, c):
    node = pick(rng, w, office_only=True)
    c.kind = rng.choice(["change_value", "change_value", "seq_invalid", "seq_spelled", "v_spelled", "pull_after", "pull_limit",
                         "nonce_header", "get_offset", "get_length", "have_size"])
    if c.kind == "change_value":
        # Valid changes whose values are extreme doubles: the hub must hash them as RFC 8785 does, or refuse with
        # bad_signature; its digest is compared with this script's afterwards.
        text = rng.choice(VALID_NUMBER_TEXTS)
        spec = ("letters", node.office + ".n" + rid(rng), [node.office], [tp.set_op("x", json.loads(text))])
        ch = node.chain([spec])[0]
        wire = dict(ch)
        wire["ops"] = [{"op": "set", "field": "x", "value": Raw(text)}]
        c.kind = "change_value=" + text
        r = w.post(node, PUSH, enc({"protocol": 2, "changes": [wire]}))
        c.expect(r, "2xx", what=c.kind)
        c.account(node, [ch], r, "accept", what=c.kind)
    elif c.kind in ("seq_invalid", "seq_spelled", "v_spelled"):
        ch = node.chain([valid_spec(rng, node)])[0]
        wire = dict(ch)
        wire.pop("hash")
        if c.kind == "seq_invalid":
            wire["seq"] = Raw(rng.choice(["1e300", "9223372036854775808", "18446744073709551616", "-0", "1e-300", "5e-324",
                                          "-1", "%d.5" % ch["seq"], "9007199254740993", "1e400"]))
            mode = "refuse"
        elif c.kind == "seq_spelled":
            # The same number written otherwise: I-JSON reads a double, the hash is over its canonical form.
            wire["seq"] = Raw(rng.choice(["%d.0", "%de0", "%d0e-1", "%d.000", "%dE0"]) % ch["seq"])
            mode = "valid"
        else:
            wire["v"] = Raw(rng.choice(["1.0", "1e0", "10e-1", "1.00"]))
            mode = "valid"
        c.kind += "=" + wire["seq" if c.kind.startswith("seq") else "v"].text
        r = w.post(node, PUSH, enc({"protocol": 2, "changes": [wire]}))
        c.expect(r, "4xx" if mode == "refuse" else "2xx|4xx", want=None if mode == "refuse" else 200, what=c.kind)
        c.account(node, [ch], r, mode, what=c.kind)
    elif c.kind in ("pull_after", "pull_limit"):
        field = c.kind.split("_")[1]
        text = rng.choice(["1e300", "-1e300", "9223372036854775808", "18446744073709551616", "-1", "1.5", "-0", "5e-324",
                           "9007199254740993", "9007199254740992", "1e400", "0", "2001", "1e15"])
        v = json_value(Raw(text))
        if field == "after":
            valid = v != "<invalid>" and is_int_in(v, 0, MAX_SAFE)
        else:
            valid = v != "<invalid>" and is_int_in(v, 1, MAX_SAFE)
        env = Raw('{"protocol":2,"after":%s,"limit":%s}' % (text if field == "after" else "0", text if field == "limit" else "5"))
        c.kind += "=" + text
        # SPEC: integers are exact up to 2^53; a cursor or limit outside that is malformed.
        c.expect(w.post(node, PULL, env.text.encode()), "2xx|4xx" if valid else "4xx", want=200 if valid else 400, what=c.kind)
    elif c.kind == "nonce_header":
        n = node.next_nonce()
        text = rng.choice(["9223372036854775808", "18446744073709551616", "1e3", "-1", "0", "-0", "%d.0" % n, "0x%x" % n,
                           "+%d" % n, "00%d" % n, " %d" % n, "%d " % n, "", "1" * 40, "%d%%00" % n, "٣"])
        q = w.build(node, PULL, w.pull_body(), nonce=text)
        c.kind += "=%r" % text
        # §9: a decimal integer >= 1; "+5", "005" or " 5" are not the decimal integer's one text form.
        strict = not re.fullmatch(r"\s*\+?0*%d\s*" % n, text)
        c.expect(w.send(q), "4xx" if strict else "2xx|4xx", want=401, what=c.kind)
    elif c.kind in ("get_offset", "get_length"):
        blob_get(rng, w, c, field=c.kind.split("_")[1], numeric=True)
    else:
        f1 = w.blobs["file1"]
        text = rng.choice(["1e12", "1e300", "-1", "9223372036854775808", "1.5", "0", "-0", "1e400"])
        body = ('{"protocol":2,"blobs":[{"sha256":"%s","size":%s}]}' % (f1["sha256"], text)).encode()
        c.kind += "=" + text
        invalid_json = json_value(Raw(text)) == "<invalid>"
        c.expect(w.post(node, HAVE, body), "4xx" if invalid_json else "2xx|4xx", what=c.kind)


def cat_huge_strings(rng, w, c):
    node = pick(rng, w, office_only=True)
    c.kind = rng.choice(["record_10k", "collection_100k", "field_100k", "element_id_10k", "scope_office_1k", "hlc_1M",
                         "value_900k", "value_1200k", "pull_key_1M", "enrol_token_60k", "enrol_office_60k",
                         "have_sha_1M", "header_node_100k", "header_signature_100k", "header_other_1M"])
    n = lambda k: rng.randbytes((k + 1) // 2).hex()[:k]
    if c.kind in ("record_10k", "collection_100k", "field_100k", "element_id_10k", "scope_office_1k", "hlc_1M"):
        coll, rec, scope, ops = valid_spec(rng, node)
        body = node.body(coll, rec, scope, ops)
        if c.kind == "record_10k":
            body["record"] = node.office + "." + n(10000)
        elif c.kind == "collection_100k":
            body["collection"] = n(100000)
        elif c.kind == "field_100k":
            body["ops"] = [tp.set_op("f" + n(100000), 1)]
        elif c.kind == "element_id_10k":
            body["ops"] = [tp.add_op("events", "e" + n(10000), {"a": 1})]
        elif c.kind == "scope_office_1k":
            body["scope"] = sorted([node.office, "x" + n(1000)])
        else:
            body["hlc"] = "0" * 1_000_000
        ch = sign_any(node, body)
        push(w, c, node, [ch], "refuse", what=c.kind)
    elif c.kind in ("value_900k", "value_1200k"):
        size = 900_000 if c.kind == "value_900k" else 1_200_000
        spec = ("letters", node.office + ".big" + rid(rng), [node.office], [tp.set_op("text", n(size))])
        # SPEC §5.2: a change's canonical body is at most 1 MiB (422 invalid_change beyond it).
        push(w, c, node, node.chain([spec]), "valid" if size < 1_000_000 else "refuse", what=c.kind)
    elif c.kind == "pull_key_1M":
        body = ('{"protocol":2,"after":0,"limit":1,"%s":1}' % n(1_000_000)).encode()
        c.expect(w.post(node, PULL, body, gz=True), "2xx|4xx", what=c.kind)
    elif c.kind.startswith("enrol"):
        s = w.stranger(rng)
        env = {"token": "tbn1." + rhex(rng, 24), "office": A, "name": "x", "protocol": 2}
        if c.kind == "enrol_token_60k":
            env["token"] = "tbn1." + "ab" * 30000
        else:
            env["office"] = "6" * 60000
        c.expect(w.post(s, ENROL, enc(env)), "4xx", what=c.kind)
    elif c.kind == "have_sha_1M":
        c.expect(w.post(node, HAVE, enc({"protocol": 2, "blobs": [{"sha256": "a" * 1_000_000, "size": 1}]}), gz=True),
                 "4xx", want=(400, "malformed_message"), what=c.kind)
    else:
        q = w.build(node, PULL, w.pull_body())
        if c.kind == "header_node_100k":
            q.headers["Tambon-Node"] = "a" * 100_000
        elif c.kind == "header_signature_100k":
            q.headers["Tambon-Signature"] = "a" * 100_000
        else:
            q.headers["X-Fuzz"] = "a" * 1_000_000
        c.expect(w.send(q), "4xx", what=c.kind, allow_drop=True)


def padded_pull(size):
    head = b'{"protocol":2,"after":0,"limit":1}'
    return head[:-1] + b" " * (size - len(head)) + b"}"


def cat_oversized_body(rng, w, c):
    node = pick(rng, w)
    c.kind = rng.choice(["wire_8MiB_plus_1", "wire_8MiB_exact", "enrol_64KiB_plus_1", "enrol_64KiB_exact",
                         "gzip_32MiB_plus_1", "gzip_32MiB_exact", "push_2001_changes", "unauthenticated_8MiB_plus_1",
                         "unknown_node_8MiB_plus_1", "content_length_1e12"])
    if c.kind == "wire_8MiB_plus_1":
        c.expect(w.post(node, PULL, padded_pull(tp.MAX_WIRE + 1)), "4xx", want=(413, "body_too_large"), what=c.kind)
    elif c.kind == "wire_8MiB_exact":
        c.expect(w.post(node, PULL, padded_pull(tp.MAX_WIRE)), "2xx|4xx", want=200, what=c.kind)
    elif c.kind.startswith("enrol"):
        s = w.stranger(rng)
        size = tp.MAX_ENROL + (1 if c.kind.endswith("plus_1") else 0)
        head = enc({"token": "tbn1." + rhex(rng, 24), "office": A, "name": "x", "protocol": 2})
        body = head[:-1] + b" " * (size - len(head)) + b"}"
        want = (413, "body_too_large") if c.kind.endswith("plus_1") else (403, "invalid_token")
        c.expect(w.post(s, ENROL, body), "4xx", want=want, what=c.kind)
    elif c.kind.startswith("gzip_32MiB"):
        size = tp.MAX_BODY + (1 if c.kind.endswith("plus_1") else 0)
        key = "pad%d" % size
        if key not in w.cache:
            head = b'{"protocol":2,"after":0,"limit":1'
            w.cache[key] = tp.gzip_stream([head] + [b" " * (1 << 20)] * ((size - len(head) - 1) >> 20)
                                          + [b" " * ((size - len(head) - 1) & ((1 << 20) - 1)), b"}"])
        want = (413, "body_too_large") if c.kind.endswith("plus_1") else 200
        c.expect(w.post(node, PULL, b"", wire=w.cache[key], gz=True), "4xx" if c.kind.endswith("plus_1") else "2xx|4xx",
                 want=want, what=c.kind)
    elif c.kind == "push_2001_changes":
        node = pick(rng, w, office_only=True)
        chs = node.chain([("letters", node.office + ".bulk" + rid(rng), [node.office], [tp.set_op("i", i)]) for i in range(2001)])
        r = w.post(node, PUSH, w.push_body(chs, omit_prev=True), gz=True)
        c.expect(r, "4xx", want=(413, "batch_too_large"), what=c.kind)
        c.account(node, chs, r, "refuse")
    elif c.kind in ("unauthenticated_8MiB_plus_1", "unknown_node_8MiB_plus_1"):
        who = node if c.kind.startswith("unauth") else w.stranger(rng)
        q = w.build(who, PULL, padded_pull(tp.MAX_WIRE + 1), key=w.stranger(rng))
        c.expect(w.send(q), "4xx", what=c.kind)
    else:
        q = w.build(node, PULL, b"")
        head = "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % PULL + "".join("%s: %s\r\n" % kv for kv in q.headers.items())
        head += "Content-Length: 1000000000000\r\n\r\n"
        out = w.client.raw_tls(head.encode() + b"{", read_timeout=3.0)
        status = re.match(rb"HTTP/1\.1 (\d+)", out)
        if status:
            c.expect(tp.Response(int(status.group(1)), {}, out.split(b"\r\n\r\n", 1)[-1]), "4xx", want=413, what=c.kind)
        else:
            c.dev("%s: no answer within 3 s (the hub waits for the announced body)" % c.kind)


# --- categories: gzip and Content-Encoding ------------------------------------------------------------------------------------

def cat_gzip_corrupt(rng, w, c):
    node = pick(rng, w)
    target = rng.choice([PUSH, PUSH, PULL])
    good, chs = good_body(rng, w, node, target)
    gz = bytearray(tp.gzip_bytes(good))
    c.kind = rng.choice(["bit_flip", "bit_flip", "truncate", "crc_flip", "isize_flip", "trailing_garbage", "garbage_member",
                         "empty", "header_only", "bad_magic", "bad_method", "reserved_flags", "raw_deflate", "zlib_wrapper",
                         "valid_fname_fextra", "two_members", "gzip_of_gzip"])
    if c.kind == "bit_flip":
        i = rng.randrange(len(gz))
        gz[i] ^= 1 << rng.randrange(8)
        c.kind += "@%d/%d" % (i, len(gz))
    elif c.kind == "truncate":
        gz = gz[:rng.randrange(len(gz))]
    elif c.kind == "crc_flip":
        gz[-8 + rng.randrange(4)] ^= 1 << rng.randrange(8)
    elif c.kind == "isize_flip":
        gz[-4 + rng.randrange(4)] ^= 1 << rng.randrange(8)
    elif c.kind == "trailing_garbage":
        gz += bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64)))
    elif c.kind == "garbage_member":
        gz += b"\x1f\x8b\x08\x00" + bytes(rng.getrandbits(8) for _ in range(40))
    elif c.kind == "empty":
        gz = bytearray()
    elif c.kind == "header_only":
        gz = gz[:10]
    elif c.kind == "bad_magic":
        gz[0] ^= 0xFF
    elif c.kind == "bad_method":
        gz[2] = 7
    elif c.kind == "reserved_flags":
        gz[3] |= 0xE0
    elif c.kind == "raw_deflate":
        co = tp.zlib.compressobj(6, tp.zlib.DEFLATED, -15)
        gz = bytearray(co.compress(good) + co.flush())
    elif c.kind == "zlib_wrapper":
        gz = bytearray(tp.zlib.compress(good))
    elif c.kind == "valid_fname_fextra":
        # FEXTRA, FNAME, FCOMMENT and FHCRC are all valid gzip (RFC 1952).
        extra = b"\x05\x00AB\x01\x00\x00"
        header = b"\x1f\x8b\x08" + bytes([0x04 | 0x08 | 0x10]) + b"\x00\x00\x00\x00\x00\xff"
        body = bytes(gz[10:])
        gz = bytearray(header + extra + b"name.json\x00" + b"comment\x00" + body)
    elif c.kind == "two_members":
        cut = rng.randrange(1, len(good))
        gz = bytearray(tp.gzip_bytes(good[:cut]) + tp.gzip_bytes(good[cut:]))
    else:
        gz = bytearray(tp.gzip_bytes(bytes(gz)))
    gz = bytes(gz)
    try:
        same = tp.gzip.decompress(gz) == good  # Python's gzip checks CRC and ISIZE; multi-member is valid gzip
    except Exception:
        same = False
    if c.kind == "reserved_flags":
        same = False  # RFC 1952 §2.3.1.2: a compliant decompressor must refuse reserved FLG bits (Python ignores them)
    try:  # what a decoder that skips the checks (header flags, CRC, ISIZE, trailing bytes) would read
        lax = gz[:3] == b"\x1f\x8b\x08" and tp.zlib.decompressobj(-15).decompress(gz[10:]) == good
    except Exception:
        lax = False
    r = w.post(node, target, b"", wire=gz, gz=True)
    if same:
        c.expect(r, "2xx|4xx", want=200, what=c.kind)
    elif lax:
        c.expect(r, "2xx|4xx", want=(400, None), what=c.kind)
        if r.status is not None and 200 <= r.status < 300:
            c.dev("%s: the hub took a body that fails RFC 1952's checks (header flags, CRC, ISIZE or trailing data)" % c.kind.split("@")[0])
    else:
        c.expect(r, "4xx", want=(400, None), what=c.kind)
    if chs:
        c.account(node, chs, r, "either" if same or lax else "refuse", what=c.kind)


def bomb(w, name, size, piece=b"\x00", head=b""):
    if name not in w.cache:
        chunk = piece * ((1 << 20) // len(piece))
        full, rest = divmod(size - len(head), len(chunk))
        w.cache[name] = tp.gzip_stream([head] + [chunk] * full + [chunk[:rest]])
    return w.cache[name]


def cat_gzip_bomb(rng, w, c):
    node = pick(rng, w)
    c.kind = rng.choice(["zeros_33MiB", "zeros_1GiB", "spaces_100MiB_then_json", "json_padding_31MiB", "nested_gzip_bomb",
                         "bomb_bad_signature", "bomb_unknown_node", "bomb_as_chunk", "bomb_as_enrol"])
    started = time.monotonic()
    if c.kind == "zeros_33MiB":
        r = w.post(node, rng.choice([PUSH, PULL, HAVE, GET]), b"", wire=bomb(w, "z33", 33 << 20), gz=True, timeout=120)
        c.expect(r, "4xx", want=(413, "body_too_large"), what=c.kind)
    elif c.kind == "zeros_1GiB":
        r = w.post(node, rng.choice([PUSH, PULL]), b"", wire=bomb(w, "z1g", 1 << 30), gz=True, timeout=120)
        c.expect(r, "4xx", want=(413, "body_too_large"), what=c.kind)
    elif c.kind == "spaces_100MiB_then_json":
        r = w.post(node, PULL, b"", wire=bomb(w, "s100", 100 << 20, b" ", b'{"protocol":2,"after":0,"limit":1}'), gz=True, timeout=120)
        c.expect(r, "4xx", want=(413, "body_too_large"), what=c.kind)
    elif c.kind == "json_padding_31MiB":
        r = w.post(node, PULL, b"", wire=bomb(w, "p31", 31 << 20, b" ", b'{"protocol":2,"after":0,"limit":1}') , gz=True, timeout=120)
        # 31 MiB of spaces after the object: trailing whitespace is valid JSON, under the 32 MiB limit.
        c.expect(r, "2xx|4xx", want=200, what=c.kind)
    elif c.kind == "nested_gzip_bomb":
        inner = bomb(w, "z1g", 1 << 30)
        r = w.post(node, PULL, b"", wire=tp.gzip_bytes(inner), gz=True, timeout=120)
        c.expect(r, "4xx", want=(400, "malformed_json"), what=c.kind)
    elif c.kind in ("bomb_bad_signature", "bomb_unknown_node"):
        who = node if c.kind == "bomb_bad_signature" else w.stranger(rng)
        q = w.build(who, PULL, b"", wire=bomb(w, "z1g", 1 << 30), gz=True, key=w.stranger(rng))
        r = w.send(q, timeout=60)
        c.expect(r, "4xx", want=401, what=c.kind)
        if r.seconds > 5:
            c.dev("%s: took %.1f s: decompressed before the signature was checked?" % (c.kind, r.seconds))
    elif c.kind == "bomb_as_chunk":
        f2 = w.blobs["file2"]
        wire = bomb(w, "z33", 33 << 20)
        r = w.post(node, "%s/%s/%d/%d" % (PUT, f2["sha256"], f2["size"], 1000), b"", wire=wire, gz=True,
                   content_type="application/octet-stream", headers={"Tambon-Chunk-SHA256": tp.sha256_hex(b"")}, timeout=120)
        c.expect(r, "4xx", what=c.kind)
    else:
        s = w.stranger(rng)
        r = w.post(s, ENROL, b"", wire=bomb(w, "z33", 33 << 20), gz=True, timeout=120)
        c.expect(r, "4xx", want=413, what=c.kind)
    c.log.append("%.2f s" % (time.monotonic() - started))


def cat_content_encoding(rng, w, c):
    node = pick(rng, w)
    target = rng.choice([PUSH, PULL])
    good, chs = good_body(rng, w, node, target)
    gz = tp.gzip_bytes(good)
    c.kind = rng.choice(["says_gzip_sends_plain", "says_identity_sends_gzip", "no_header_sends_gzip", "deflate", "br",
                         "x-gzip", "compress", "zstd", "gzip_gzip", "gzip_comma_identity", "upper_GZIP", "empty_value",
                         "two_headers", "signed_over_plain", "transfer_encoding_gzip", "garbage_value"])
    plain_ok = False
    allowed, want = "4xx", None
    if c.kind == "says_gzip_sends_plain":
        q = w.build(node, target, good, encoding="gzip")
        want = (400, None)
    elif c.kind in ("says_identity_sends_gzip", "no_header_sends_gzip"):
        q = w.build(node, target, b"", wire=gz, encoding="identity" if c.kind.startswith("says") else None)
        want = (400, "malformed_json")
    elif c.kind in ("deflate", "br", "x-gzip", "compress", "zstd", "empty_value", "garbage_value"):
        value = {"empty_value": "", "garbage_value": "\x7f\x01"}.get(c.kind, c.kind)
        value = value if c.kind != "garbage_value" else "g;zip"
        q = w.build(node, target, b"", wire=gz, encoding=value)
        want = (415, "unsupported_encoding")
        if c.kind == "empty_value":
            allowed = "4xx"
    elif c.kind == "gzip_gzip":
        q = w.build(node, target, b"", wire=tp.gzip_bytes(gz), encoding="gzip, gzip")
        # RFC 9110: the codings in order; a hub that knows only one gzip refuses with 415.
        allowed, want = "2xx|4xx", 415
        plain_ok = True
    elif c.kind == "gzip_comma_identity":
        q = w.build(node, target, b"", wire=gz, encoding="gzip, identity")
        allowed, want = "2xx|4xx", 415
        plain_ok = True
    elif c.kind == "upper_GZIP":
        q = w.build(node, target, b"", wire=gz, encoding="GZIP")
        allowed, want = "2xx|4xx", 200  # content codings are case-insensitive (RFC 9110 §8.4.1)
        plain_ok = True
    elif c.kind == "two_headers":
        q = w.build(node, target, b"", wire=gz, encoding=None)
        q.headers["Content-Encoding"] = ["gzip", "gzip"]
        allowed, want = "2xx|4xx", None
        plain_ok = True
    elif c.kind == "signed_over_plain":
        q = w.build(node, target, b"", wire=gz, gz=True, sign_wire=good)
        want = (401, "bad_request_signature")
    elif c.kind == "transfer_encoding_gzip":
        q = w.build(node, target, b"", wire=gz, encoding=None)
        q.headers["Transfer-Encoding"] = "gzip"
        allowed, want = "4xx", None
    r = w.send(q)
    c.expect(r, allowed, want=want, what=c.kind, allow_drop=c.kind == "transfer_encoding_gzip")
    if chs:
        c.account(node, chs, r, "either" if plain_ok else "refuse", what=c.kind)


# --- categories: attachments (§14) ------------------------------------------------------------------------------------------

HELD = {"file1": None, "file2": 1000, "file3": 0}


def blob_target(rng, w, node, which=None):
    which = which or rng.choice(["file1", "file1", "file1", "file2", "file3", "unreferenced", "upper", "short", "long", "number"])
    f1 = w.blobs["file1"]
    if which in w.blobs:
        b = w.blobs[which]
        return which, b["sha256"], b["size"]
    return which, {"unreferenced": rhex(rng), "upper": f1["sha256"].upper(), "short": f1["sha256"][:-1],
                   "long": f1["sha256"] + "0", "number": 12345}[which], 100


def referenced(node, which):
    return which in ("file1", "file2", "file3") and node.office == A


def blob_get(rng, w, c, field=None, numeric=False):
    node = rng.choice([w.nodes["officeA"], w.nodes["officeA"], w.nodes["surveyA"], w.nodes["officeB"]])
    which, sha, size = blob_target(rng, w, node, "file1" if numeric else None)
    offsets = [0, rng.randrange(size), size - 1, size, size + 1, 1 << 20, 1e12, Raw("1e19"), Raw("9223372036854775807"),
               Raw("9223372036854775808"), Raw("1e300"), -1, Raw("-0"), 1.5, "0", None, tp.MISSING, Raw("9.2e18"), 2**53,
               Raw("18446744073709551615"), Raw("-9223372036854775808"), Raw("4294967296")]
    lengths = [tp.MISSING, 1, 100, 1 << 20, (1 << 20) + 1, 0, -1, Raw("1e19"), Raw("1e300"), 1.5, "5", None, 2**53, Raw("-0"),
               Raw("9223372036854775807"), Raw("-9223372036854775808"), 2**31]
    offset = rng.choice(offsets) if field in (None, "offset") else rng.randrange(size)
    length = rng.choice(lengths) if field in (None, "length") else tp.MISSING
    if numeric and field == "offset":
        offset = rng.choice([o for o in offsets if isinstance(o, Raw) or (isinstance(o, (int, float)) and not isinstance(o, bool) and abs(o) > size)])
    env = {"protocol": 2, "sha256": sha, "offset": offset}
    if length is not tp.MISSING:
        env["length"] = length
    if offset is tp.MISSING:
        env.pop("offset")
    c.kind = ("get %s offset=%r length=%r" % (which, offset if offset is not tp.MISSING else "-", length if length is not tp.MISSING else "-"))[:100]
    o = json_value(offset) if offset is not tp.MISSING else "<missing>"
    l = json_value(length) if length is not tp.MISSING else tp.MISSING  # an explicit null is not a missing length
    offset_ok = is_int_in(o, 0, MAX_SAFE) if o not in ("<missing>", "<invalid>") else False
    length_ok = l is tp.MISSING or (l != "<invalid>" and is_int_in(l, 1, MAX_SAFE))
    valid = which == "file1" and referenced(node, which) and offset_ok and length_ok
    r = w.post(node, GET, enc(env), timeout=30)
    if valid and o <= size:
        c.expect(r, "2xx", what=c.kind)
        if r.status == 200:
            want = w.blobs["file1"]["bytes"][int(o):int(o) + min(int(l) if l is not tp.MISSING else 1 << 20, 1 << 20)]
            if r.body != want:
                c.fail("%s: answered %d bytes, not the file's %d from %d" % (c.kind, len(r.body), len(want), o))
            if r.headers.get("tambon-chunk-sha256") != tp.sha256_hex(r.body):
                c.fail("%s: Tambon-Chunk-SHA256 does not match the chunk" % c.kind)
    elif valid:
        c.expect(r, "2xx|4xx", what=c.kind)  # beyond the end: SPEC does not say; an empty chunk or a refusal
        if r.status == 200 and r.body:
            c.fail("%s: %d bytes from beyond the end of the file" % (c.kind, len(r.body)))
    else:
        want = None
        if offset_ok and length_ok and isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha):
            want = (404, "not_here_yet") if referenced(node, which) else (403, "not_referenced")
        c.expect(r, "4xx", want=want, what=c.kind)


def cat_blob_get(rng, w, c):
    blob_get(rng, w, c)


PUT_SIZES = ["-1", "0", "1000000000000", "999999999999", "1e12", "1e19", "10000000000000000000", "9223372036854775807",
             "9223372036854775808", "-9223372036854775808", "abc", "0x10", "%d.0", "%20", "%d"]
PUT_OFFSETS = ["0", "-1", "%d+1", "%d-1", "9223372036854775807", "9223372036854775806", "9223372036854775808",
               "-9223372036854775808", "9223372036854775000", "1e19", "abc", "%size", "%size+1", "%d.0", "-0", "4294967296",
               "-4294967296"]


def swift_int(text):
    """What Swift's Int(String) reads: an optional sign and decimal digits, in range; else None."""
    if not re.fullmatch(r"[+-]?\d+", text):
        return None
    v = int(text)
    return v if -2**63 <= v < 2**63 else None


def cat_blob_put(rng, w, c):
    """One chunk upload. Mostly a valid append of file2 (1000 of 5000 bytes held) with one thing changed; sometimes
    everything drawn at random. Nothing may ever grow the partial file: the store is compared before and after."""
    officeA = w.nodes["officeA"]
    node, which = officeA, "file2"
    f2 = w.blobs["file2"]
    sha, size, held = f2["sha256"], f2["size"], 1000
    chunk = f2["bytes"][1000:1000 + rng.randint(1, 4000)]
    size_t, offset_t = str(size), str(held)
    header, ctype, shape = "right", "application/octet-stream", "normal"
    fill = lambda t: t.replace("%size+1", str(size + 1)).replace("%size", str(size)).replace("%d+1", str(held + 1)) \
        .replace("%d-1", str(held - 1)).replace("%d", str(held))
    mutations = rng.choice([1, 1, 1, 1, 2, 3, "random"])
    fields = ["node", "which", "size", "offset", "offset", "offset", "chunk", "header", "ctype", "shape"]
    chosen = fields if mutations == "random" else rng.sample(fields, mutations)
    for f in chosen:
        if f == "node":
            node = rng.choice([w.nodes["officeB"], w.nodes["surveyA"]])
        elif f == "which":
            which, sha, size = blob_target(rng, w, node, rng.choice(["file1", "file3", "unreferenced", "upper"]))
            held = 0 if which != "file1" else size
        elif f == "size":
            size_t = rng.choice(PUT_SIZES).replace("%d", str(size))
        elif f == "offset":
            offset_t = fill(rng.choice(PUT_OFFSETS))
        elif f == "chunk":
            chunk = rng.choice([b"", bytes(rng.getrandbits(8) for _ in range(64)) * ((1 << 14) + 1),
                                f2["bytes"][:rng.randint(1, 1000)], rng.randbytes(rng.randint(1, 5000))])
        elif f == "header":
            header = rng.choice(["wrong", "missing", "upper"])
        elif f == "ctype":
            ctype = rng.choice(["application/json", None, "text/plain"])
        else:
            shape = rng.choice(["extra_segment", "missing_segment", "dot_segment", "empty_segment"])
    path = "%s/%s/%s/%s" % (PUT, sha, size_t, offset_t)
    if shape == "extra_segment":
        path += "/0"
    elif shape == "missing_segment":
        path = "%s/%s/%s" % (PUT, sha, size_t)
    elif shape == "dot_segment":
        path = "%s/%s/../%s/%s/%s" % (PUT, sha, sha, size_t, offset_t)
    elif shape == "empty_segment":
        path = "%s/%s//%s" % (PUT, sha, offset_t)
    n_size, n_offset = swift_int(size_t), swift_int(offset_t)
    right_hash = tp.sha256_hex(chunk)
    raw = ctype == "application/octet-stream"
    ok_target = referenced(node, which) and shape == "normal" and raw and n_size == size
    appends = (ok_target and which in ("file2", "file3") and n_offset == held and 0 < len(chunk) <= tp.MAX_CHUNK
               and n_offset + len(chunk) <= size)
    if appends and header in ("right", "upper"):
        header = "wrong"  # never let a case grow the partial file
    chunk_hash = {"right": right_hash, "wrong": tp.sha256_hex(chunk + b"x"), "upper": right_hash.upper(), "missing": None}[header]
    headers = {"Tambon-Chunk-SHA256": chunk_hash} if chunk_hash else {}
    c.kind = ("put %s size=%s offset=%s chunk=%d hash=%s type=%s %s%s" % (which, size_t, offset_t, len(chunk), header, ctype, shape,
                                                                         " [%s]" % ",".join(chosen) if mutations != "random" else " [random]"))
    # Harmless, and answered 2xx by SPEC's words: a chunk of a file already whole, or one the hub already holds.
    repeat = ok_target and n_offset is not None and n_offset + len(chunk) <= held and header == "right"
    harmless = ok_target and (which == "file1" or repeat)
    r = w.post(node, path, chunk, content_type=ctype, headers=headers, timeout=30)
    c.expect(r, "2xx|4xx" if harmless else "4xx", what=c.kind)
    if repeat and which != "file1" and (n_offset < 0 or offset_t != str(n_offset)) and r.status is not None and 200 <= r.status < 300:
        c.dev("put: offset %r is answered %d as a repeated chunk (SPEC: a chunk continues where the partial file ends)" % (offset_t, r.status))


def put_chunk(w, node, sha, size, offset, data):
    return w.post(node, "%s/%s/%d/%d" % (PUT, sha, size, offset), data, content_type="application/octet-stream",
                  headers={"Tambon-Chunk-SHA256": tp.sha256_hex(data)})


def cat_blob_scope(rng, w, c):
    """§14 across offices, each case with a file of its own: office B refers to office A's file from a record of its
    own (knowing only the hash), then reads it, or writes into A's unfinished upload."""
    oa, ob = w.nodes["officeA"], w.nodes["officeB"]
    data = rng.randbytes(rng.randint(1500, 6000))
    sha, size = tp.sha256_hex(data), len(data)
    ref = lambda h, n: [tp.add_op("attachments", h, {"sha256": h, "size": n, "type": "application/pdf"})]
    c.kind = rng.choice(["read_by_hash", "write_into_partial"])
    push(w, c, oa, oa.chain([("letters", A + ".plan-" + rid(rng), [A], ref(sha, size))]), "accept", what="A refers to its file")
    if c.kind == "read_by_hash":
        c.expect(put_chunk(w, oa, sha, size, 0, data), "2xx", what="A uploads it whole")
        c.expect(w.post(ob, GET, enc({"protocol": 2, "sha256": sha, "offset": 0})), "4xx", want=(403, "not_referenced"),
                 what="B asks for A's file before referring to it")
        # B writes a record of its own (allowed by §15) that refers to A's hash.
        push(w, c, ob, ob.chain([("letters", B + ".ref-" + rid(rng), [B], ref(sha, size))]), "accept", what="B refers to A's hash")
        r = w.post(ob, GET, enc({"protocol": 2, "sha256": sha, "offset": 0}))
        if r.status == 200 and r.body == data[:1 << 20]:
            c.fail("office %s read office %s's attachment knowing only its hash (SPEC §14: office B can never read office "
                   "A's plans even knowing their hashes): push letters/%s.x with attachments[%s…] = {sha256, size}, then "
                   "blobs/get → 200 with A's %d bytes" % (B, A, B, sha[:12], len(r.body)))
        else:
            # §14, proof of possession: B refers to it now, but never uploaded it, so the answer is the one for a file
            # nobody uploaded (it reveals nothing), not not_referenced.
            c.expect(r, "4xx", want=(404, "not_here_yet"), what="B asks for A's file by its own reference")
    else:
        c.expect(put_chunk(w, oa, sha, size, 0, data[:1000]), "2xx", what="A uploads 1000 bytes")
        push(w, c, ob, ob.chain([("letters", B + ".ref-" + rid(rng), [B], ref(sha, size))]), "accept", what="B refers to A's hash")
        junk = rng.randbytes(rng.randint(1, 500))
        r = put_chunk(w, ob, sha, size, 1000, junk)
        c.expect(r, "2xx|4xx", what="B appends to A's unfinished upload")
        # A resumes as SPEC says: ask `have`, send the rest from there.
        h = w.post(oa, HAVE, enc({"protocol": 2, "blobs": [{"sha256": sha, "size": size}]})).json() or {}
        got = (h.get("blobs") or [{}])[0].get("received", 0)
        r2 = None
        for off in range(got, size, 1 << 20):
            r2 = put_chunk(w, oa, sha, size, off, data[off:off + (1 << 20)])
        g = w.post(oa, GET, enc({"protocol": 2, "sha256": sha, "offset": 0}))
        if g.status != 200 or g.body != data:
            c.fail("office %s's bytes (%d, answered %s) were taken into office %s's unfinished upload: A resumed from "
                   "`have`'s received=%d as SPEC §14 says and its file %s (last put %s, get %s)" % (
                       B, len(junk), r.status, A, got, "was discarded" if g.status == 404 else "is wrong",
                       r2.status if r2 else None, g.status))


def cat_feed_page(rng, w, c):
    """A pull page's size: SPEC §9 bounds a body at 8 MiB on the wire (a node reads no more, TambonSync's HubClient).
    The first time, office A writes 13 changes of ~1 MB each (each allowed: under the 1 MiB change limit, pushed one
    per request); every time, office A's observer pulls the feed from before them with the largest limit."""
    oa = w.nodes["officeA"]
    c.kind = "pull page of large changes"
    if not getattr(w, "big_feed_from", None):
        w.big_feed_from = w.cursors[A]
        for i in range(13):
            text = tp.base64.b64encode(rng.randbytes(750_000)).decode()
            push(w, c, oa, oa.chain([("letters", A + ".big-" + rid(rng), [A], [tp.set_op("scan", text)])]), "accept",
                 what="large change %d" % i)
    q = w.build(w.observers[A], PULL, w.pull_body(w.big_feed_from, 2000))
    r = c.expect(w.send(q, timeout=120), "2xx", what="pull")
    if r.status == 200:
        c.log.append("page %d bytes on the wire, %d decompressed" % (len(r.raw), len(r.body)))
        if len(r.raw) > tp.MAX_WIRE:
            j = r.json() or {}
            c.fail("a pull page (limit 2000) is %.1f MiB on the wire with %d changes: more than the 8 MiB a node reads "
                   "(SPEC §9; the hub cuts pages by count only, never by size)" % (len(r.raw) / 2**20, len(j.get("changes", []))))


def cat_blob_have(rng, w, c):
    node = rng.choice([w.nodes["officeA"], w.nodes["surveyA"], w.nodes["officeB"]])
    c.kind = rng.choice(["known", "count_1000", "count_1001", "count_100k", "mixed", "empty", "duplicates"])
    f = w.blobs
    items = {"known": lambda: [{"sha256": b["sha256"], "size": b["size"]} for b in f.values()],
             "count_1000": lambda: [{"sha256": rhex(rng), "size": 1} for _ in range(1000)],
             "count_1001": lambda: [{"sha256": rhex(rng), "size": 1} for _ in range(1001)],
             "count_100k": lambda: [{"sha256": "%064x" % i, "size": 1} for i in range(100_000)],
             "mixed": lambda: [{"sha256": f["file1"]["sha256"], "size": 1e12}, {"sha256": rhex(rng), "size": -1}],
             "empty": lambda: [],
             "duplicates": lambda: [{"sha256": f["file1"]["sha256"], "size": f["file1"]["size"]}] * 50}[c.kind]()
    r = w.post(node, HAVE, enc({"protocol": 2, "blobs": items}), gz=True, timeout=60)
    if c.kind in ("count_1001", "count_100k"):
        c.expect(r, "4xx", want=(400, "malformed_message"), what=c.kind)
        return
    c.expect(r, "2xx", what=c.kind)
    j = r.json()
    if r.status != 200 or not isinstance(j, dict):
        return
    by = {x.get("sha256"): x for x in j.get("blobs", [])}
    for name, b in f.items():
        x = by.get(b["sha256"])
        if x is None:
            continue
        if node.office != A and (x.get("received") or x.get("complete") or x.get("refused") != "not_referenced"):
            c.fail("%s: office %s learns about office %s's attachment %s: %s" % (c.kind, node.office, A, name, x))
        if node.office == A:
            # Partial uploads are each node's own at the hub (SPEC §14): file2's 1000 bytes are officeA's.
            want_received = {"file1": b["size"], "file2": 1000 if node is w.nodes["officeA"] else 0, "file3": 0}[name]
            if x.get("received") != want_received or x.get("complete") != (name == "file1"):
                c.fail("%s: have answers %s for %s" % (c.kind, x, name))


# --- categories: request authentication (§9) --------------------------------------------------------------------------------

def cat_replay_nonce(rng, w, c):
    node = pick(rng, w)
    c.kind = rng.choice(["exact_replay", "exact_replay", "same_nonce_new_body", "lower_nonce", "nonce_zero", "nonce_negative",
                         "replay_old_time", "race_same_request", "race_same_push", "retry_after_bad_signature"])
    if c.kind in ("exact_replay", "replay_old_time"):
        q = w.last_ok.get(node.name)
        if q is None:
            q = w.build(node, PULL, w.pull_body())
            c.expect(w.send(q), "2xx", what="first")
        q2 = Req(q.method, q.path, q.wire, dict(q.headers), node)
        if c.kind == "replay_old_time":
            q2.headers["Tambon-Time"] = str(rng.choice([0, 1, tp.now_ms() - 86_400_000 * 365 * 10]))
        r = c.expect(w.send(q2), "4xx", want=(401, "replayed_request"), what="%s of %s" % (c.kind, q.path))
        j = r.json()
        if r.status == 401 and isinstance(j, dict) and j.get("error") == "replayed_request":
            if not isinstance(j.get("last_nonce"), int) or j["last_nonce"] < int(q.headers["Tambon-Nonce"]):
                c.dev("replayed_request without a last_nonce at or past the replayed one: %s" % j)
        if q.path == PUSH:
            c.writers[node.name] = node
    elif c.kind == "same_nonce_new_body":
        q = w.build(node, PULL, w.pull_body(0, 5))
        c.expect(w.send(q), "2xx", what="first")
        q2 = w.build(node, PULL, w.pull_body(0, 6), nonce=int(q.headers["Tambon-Nonce"]))
        c.expect(w.send(q2), "4xx", want=(401, "replayed_request"), what=c.kind)
    elif c.kind in ("lower_nonce", "nonce_zero", "nonce_negative"):
        n = {"lower_nonce": rng.randint(1, max(1, node.nonce // 2)), "nonce_zero": 0, "nonce_negative": -rng.randint(1, 10**6)}[c.kind]
        chs = node.chain([valid_spec(rng, node)])
        r = w.post(node, PUSH, w.push_body(chs), nonce=n)
        c.expect(r, "4xx", want=401, what=c.kind)
        c.account(node, chs, r, "refuse", what=c.kind)
    elif c.kind in ("race_same_request", "race_same_push"):
        k = rng.randint(2, 8)
        if c.kind == "race_same_push":
            chs = node.chain([valid_spec(rng, node)])
            q = w.build(node, PUSH, w.push_body(chs))
        else:
            chs = []
            q = w.build(node, PULL, w.pull_body(0, rng.randint(1, 50)))
        c.flood = True
        rs = w.send_many([Req(q.method, q.path, q.wire, dict(q.headers), node) for _ in range(k)])
        oks = [r for r in rs if r.status is not None and 200 <= r.status < 300]
        for r in rs:
            c.expect(r, "2xx|4xx", what="%s x%d" % (c.kind, k))
        if len(oks) != 1 and not any(r.status == 429 for r in rs):
            c.fail("%s: %d of %d copies of one signed request were answered 2xx (exactly one may be)" % (c.kind, len(oks), k))
        elif len(oks) > 1:
            c.fail("%s: %d copies of one signed request were answered 2xx" % (c.kind, len(oks)))
        c.kind += " x%d" % k
        if chs:
            best = oks[0] if oks else rs[0]
            c.account(node, chs, best, "either", what=c.kind)
    else:
        n = node.next_nonce()
        q = w.build(node, PULL, w.pull_body(), nonce=n, key=w.stranger(rng))
        c.expect(w.send(q), "4xx", want=(401, "bad_request_signature"), what="bad signature")
        # The refused request did not authenticate, so its nonce is not spent (§9: the hub records accepted ones).
        c.expect(w.send(w.build(node, PULL, w.pull_body(), nonce=n)), "2xx|4xx", want=200, what="same nonce, signed")


def cat_request_signature(rng, w, c):
    node = pick(rng, w)
    other = rng.choice([n for n in writers(w) if n is not node] + [w.nodes["obsA"]])
    target = rng.choice([PUSH, PUSH, PULL, HAVE])
    good, chs = good_body(rng, w, node, target)
    c.kind = rng.choice(["other_body", "flipped_body_byte", "other_path", "other_method", "other_hub", "hub_id_upper",
                         "nonce_mismatch", "other_nodes_key", "unknown_key", "over_decompressed", "truncated_sig",
                         "long_sig", "upper_sig", "non_hex_sig", "empty_sig", "zero_sig", "missing_sig", "trailing_newline",
                         "version_2_message", "sig_of_body_hash_hex", "duplicate_sig_headers"])
    kw = {}
    gz = rng.random() < 0.3
    if c.kind == "other_body":
        kw["sign_wire"] = good + b" "
    elif c.kind == "other_path":
        kw["sign_path"] = rng.choice([p for p in (PUSH, PULL, HAVE, GET, ENROL) if p != target])
    elif c.kind == "other_method":
        kw["sign_method"] = rng.choice(["GET", "PUT", "post"])
    elif c.kind == "other_hub":
        kw["sign_hub"] = rhex(rng)
    elif c.kind == "hub_id_upper":
        kw["sign_hub"] = w.hub_id.upper()
    elif c.kind == "other_nodes_key":
        kw["key"] = other
    elif c.kind == "unknown_key":
        kw["key"] = w.stranger(rng)
    elif c.kind == "over_decompressed" and gz:
        kw["sign_wire"] = good
    q = w.build(node, target, good, gz=gz, **kw)
    n = q.headers["Tambon-Nonce"]
    sig = q.headers["Tambon-Signature"]
    if c.kind == "flipped_body_byte":
        i = rng.randrange(len(q.wire))
        q.wire = q.wire[:i] + bytes([q.wire[i] ^ (1 << rng.randrange(8))]) + q.wire[i + 1:]
    elif c.kind == "nonce_mismatch":
        q.headers["Tambon-Nonce"] = str(int(n) + 1)
        node.next_nonce()
    elif c.kind == "truncated_sig":
        q.headers["Tambon-Signature"] = sig[:rng.choice([126, 64, 2, 127])]
    elif c.kind == "long_sig":
        q.headers["Tambon-Signature"] = sig + rng.choice(["00", "0", sig])
    elif c.kind == "upper_sig":
        q.headers["Tambon-Signature"] = sig.upper()
    elif c.kind == "non_hex_sig":
        q.headers["Tambon-Signature"] = "g" + sig[1:]
    elif c.kind == "empty_sig":
        q.headers["Tambon-Signature"] = ""
    elif c.kind == "zero_sig":
        q.headers["Tambon-Signature"] = "0" * 128
    elif c.kind == "missing_sig":
        del q.headers["Tambon-Signature"]
    elif c.kind in ("trailing_newline", "version_2_message", "sig_of_body_hash_hex"):
        msg = tp.signing_message("POST", target, w.hub_id, n, q.wire)
        msg = {"trailing_newline": msg + b"\n", "version_2_message": msg.replace(b"tambon-request/1", b"tambon-request/2"),
               "sig_of_body_hash_hex": tp.sha256_hex(q.wire).encode()}[c.kind]
        q.headers["Tambon-Signature"] = node.sign(msg).hex()
    elif c.kind == "duplicate_sig_headers":
        q.headers["Tambon-Signature"] = [w.stranger(rng).sign(b"x").hex(), sig]
    if c.kind == "over_decompressed" and not gz:
        c.kind = "unsigned_extra_header"
        q.headers["Tambon-Signature"] = node.sign(tp.signing_message("POST", target, w.hub_id, n, q.wire + b"\n")).hex()
    lenient = c.kind in ("upper_sig",)  # §1 refuses upper-case hex; a hub may also read it
    r = w.send(q)
    c.expect(r, "2xx|4xx" if lenient else "4xx", want=401, what=c.kind)
    if chs:
        c.account(node, chs, r, "either" if lenient else "refuse", what=c.kind)


def cat_identity(rng, w, c):
    c.kind = rng.choice(["unknown_key", "unknown_key_push", "revoked_pull", "revoked_push", "revoked_blobs", "node_is_hub",
                         "node_upper", "node_short", "node_non_hex", "node_missing", "revoke_then_push"])
    target = rng.choice([PUSH, PULL, HAVE, GET])
    if c.kind in ("unknown_key", "unknown_key_push"):
        s = w.stranger(rng)
        body = w.push_body(s.chain([valid_spec(rng, s)])) if c.kind.endswith("push") else good_body(rng, w, w.nodes["officeA"], target)[0]
        c.expect(w.post(s, PUSH if c.kind.endswith("push") else target, body), "4xx", want=(401, "unknown_node"), what=c.kind)
    elif c.kind.startswith("revoked"):
        rv = w.nodes["revokee"]
        if c.kind == "revoked_push":
            chs = rv.chain([valid_spec(rng, rv)])
            r = w.post(rv, PUSH, w.push_body(chs))
            c.expect(r, "4xx", want=(403, "revoked_node"), what=c.kind)
            if r.status is not None and 200 <= r.status < 300:
                c.fail("a revoked node's push was taken")
        else:
            path = PULL if c.kind == "revoked_pull" else rng.choice([HAVE, GET])
            c.expect(w.post(rv, path, good_body(rng, w, w.nodes["officeA"], path)[0]), "4xx", want=(403, "revoked_node"), what=c.kind)
    elif c.kind.startswith("node_"):
        node = pick(rng, w)
        q = w.build(node, target, good_body(rng, w, node, target)[0] if target != PUSH else w.pull_body())
        value = {"node_is_hub": w.hub_id, "node_upper": node.id.upper(), "node_short": node.id[:-1],
                 "node_non_hex": "z" + node.id[1:], "node_missing": None}[c.kind]
        if value is None:
            del q.headers["Tambon-Node"]
        else:
            q.headers["Tambon-Node"] = value
        want = (401, {"unknown_node", "unauthenticated"})
        c.expect(w.send(q), "4xx", want=want, what=c.kind)
    else:
        # Revocation takes effect at once (§9, §15.4), also for a node that just pushed.
        n = w.new_node("late%d" % c.index, rng.choice([A, B]), "survey")
        c.allow_hub = True
        c.expect(enrol(w, n), "2xx", what="enrol")
        if n.office == A:
            chs = n.chain([valid_spec(rng, n)])
            push(w, c, n, chs, "accept", what="push before revocation")
        w.hub.cli("hub", "revoke", "--data", w.hub.data, "--node", n.id)
        n.revoked = True
        chs = n.chain([valid_spec(rng, n)]) if n.office == A else n.chain([("applications", B + ".X", [B], [tp.add_op("attachments", "ab" * 32, photo("ab" * 32))])])
        r = w.post(n, PUSH, w.push_body(chs))
        c.expect(r, "4xx", want=(403, "revoked_node"), what="push after revocation")
        if r.status is not None and 200 <= r.status < 300:
            c.fail("a push right after revocation was taken")
        c.expect(w.post(n, PULL, w.pull_body()), "4xx", want=(403, "revoked_node"), what="pull after revocation")
        c.expect(enrol(w, n), "4xx", want=(403, "revoked_node"), what="re-enrol after revocation")


def cat_timestamps(rng, w, c):
    node = pick(rng, w)
    text = rng.choice(["0", "1", "-1", str(tp.now_ms() - 10 * 365 * 86_400_000), str(tp.now_ms() + 10 * 365 * 86_400_000),
                       "9223372036854775807", "-9223372036854775808", "-9223372036854775807", "9223372036854775808",
                       "99999999999999999999", "abc", "", "1e12", " 5", "%d.5" % tp.now_ms(), "0x10"])
    c.kind = "Tambon-Time=%r" % text
    target = rng.choice([PULL, PULL, PUSH, HAVE])
    body, chs = good_body(rng, w, node, target)
    r = w.post(node, target, body, time_header=text)
    # §9: Tambon-Time only measures skew; it never decides whether a request is accepted.
    c.expect(r, "2xx|4xx", want=200, what=c.kind)
    if chs:
        c.account(node, chs, r, "valid", what=c.kind)


def cat_headers(rng, w, c):
    node = pick(rng, w)
    target = rng.choice([PUSH, PULL, HAVE])
    body, chs = good_body(rng, w, node, target)
    c.kind = rng.choice(["no_protocol", "protocol_1", "protocol_3", "protocol_02", "protocol_space", "protocol_2.0",
                         "protocol_empty", "protocol_twice", "no_nonce", "no_node", "two_nodes", "two_nonces",
                         "content_type_octet", "content_type_text", "method_get", "method_put", "method_delete",
                         "path_trailing_slash", "path_double_slash", "path_upper", "path_query", "path_encoded",
                         "host_weird", "non_ascii_header", "expect_100"])
    q = w.build(node, target, body)
    allowed, want, lenient = "4xx", None, False
    k = c.kind
    if k == "no_protocol":
        del q.headers["Tambon-Protocol"]
        want = (400, "missing_protocol")
    elif k.startswith("protocol_"):
        value = {"protocol_1": "1", "protocol_3": "3", "protocol_02": "02", "protocol_space": " 2 ", "protocol_2.0": "2.0",
                 "protocol_empty": "", "protocol_twice": ["2", "1"]}[k]
        q.headers["Tambon-Protocol"] = value
        want = (426, "unsupported_protocol") if value not in (" 2 ", "") else None
        lenient = value == " 2 "  # surrounding whitespace is not part of a field value (RFC 9110 §5.5)
    elif k == "no_nonce":
        del q.headers["Tambon-Nonce"]
        want = (401, "unauthenticated")
    elif k == "no_node":
        del q.headers["Tambon-Node"]
        want = (401, "unauthenticated")
    elif k == "two_nodes":
        q.headers["Tambon-Node"] = [w.stranger(rng).id, node.id]
    elif k == "two_nonces":
        q.headers["Tambon-Nonce"] = [q.headers["Tambon-Nonce"], str(int(q.headers["Tambon-Nonce"]) + 1)]
        node.next_nonce()
    elif k == "content_type_octet":
        q.headers["Content-Type"] = "application/octet-stream"
        want = 400
    elif k == "content_type_text":
        q.headers["Content-Type"] = "text/plain"
        lenient = True
    elif k.startswith("method_"):
        q.method = k.split("_")[1].upper()
        q = w.build(node, target, body, method=q.method)
        want = (405, None)
    elif k.startswith("path_"):
        path = {"path_trailing_slash": target + "/", "path_double_slash": "/" + target, "path_upper": target.upper(),
                "path_query": target + "?x=1", "path_encoded": target.replace("u", "%75")}[k]
        q = w.build(node, path, body, sign_path=path.split("?")[0])
        lenient = k in ("path_query", "path_trailing_slash", "path_double_slash", "path_encoded")
        want = None if lenient else 404
    elif k == "host_weird":
        q.headers["Host"] = "evil.example:1"
        lenient = True
    elif k == "non_ascii_header":
        q.headers["Tambon-Software"] = "ทดสอบ".encode("utf-8")
        lenient = True
    elif k == "expect_100":
        q.headers["Expect"] = "100-continue"
        lenient = True
    r = w.send(q)
    c.expect(r, "2xx|4xx" if lenient else allowed, want=want, what=k)
    if chs:
        c.account(node, chs, r, "either" if lenient else "refuse", what=k)


FRAMING = {
    "bad_request_line": b"GARBAGE\r\n\r\n",
    "http_0_9": b"GET /v1/hello\r\n\r\n",
    "http_2_preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "http_1_0_post": b"POST /v1/pull HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}",
    "bad_chunk_size": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    "huge_chunk_size": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n",
    "te_and_cl": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/hello HTTP/1.1\r\nHost: x\r\n\r\n",
    "two_content_lengths": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}abc",
    "negative_content_length": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "header_no_colon": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nTambon-Node\r\n\r\n",
    "header_space_before_colon": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nTambon-Protocol : 2\r\nContent-Length: 0\r\n\r\n",
    "bare_lf": b"POST /v1/pull HTTP/1.1\nHost: x\nContent-Length: 0\n\n",
    "nul_in_header": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nTambon-Protocol: 2\x00\r\nContent-Length: 0\r\n\r\n",
    "long_uri_100k": b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "many_headers_10k": b"GET /v1/hello HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 10_000 + b"\r\n",
    "pipelined_100": b"GET /v1/hello HTTP/1.1\r\nHost: x\r\n\r\n" * 100,
    "obs_fold": b"POST /v1/pull HTTP/1.1\r\nHost: x\r\nTambon-Protocol: 2\r\n 2\r\nContent-Length: 0\r\n\r\n",
}


def cat_http_framing(rng, w, c):
    c.kind = rng.choice(sorted(FRAMING))
    out = w.client.raw_tls(FRAMING[c.kind], read_timeout=3.0)
    statuses = [int(s) for s in re.findall(rb"HTTP/1\.[01] (\d{3})", out)]
    c.log.append("statuses %s" % statuses[:5])
    if any(s >= 500 for s in statuses):
        c.fail("%s: answered %s: %r" % (c.kind, [s for s in statuses if s >= 500], out[:300]))
    if not statuses:
        c.dev("%s: connection closed without an answer" % c.kind)
    # The hub must still answer a normal request afterwards.
    c.expect(w.client.request("GET", "/v1/hello"), "2xx", what="hello after " + c.kind)


# --- categories: changes (§5, §15) ------------------------------------------------------------------------------------------

AUTH_COLLECTIONS = ["applications", "applications", "letters", "users", "office_settings", "number_registers", "nodes",
                    "hub_settings", "agencies", "notes", "food_certificates", "payments", "bills", "receipts"]


def authority_spec(rng, node):
    own = node.office
    other = B if own == A else A
    coll = rng.choice(AUTH_COLLECTIONS)
    local = rid(rng)
    rec = {"own": own + "." + local, "other": other + "." + local, "hub": "hub." + local, "hub_bare": "hub",
           "bare_code": local, "bare_id": "app:" + local, "bare_own": own, "bare_other": other,
           "weird_part": own + rng.choice(["_x", ":x"]) + "." + local, "HUB_part": "HUB." + local,
           "long_part": "6" * 33 + "." + local, "longer_code": own + "1." + local, "roster_own": own + "." + node.id,
           "roster_other": other + "." + node.id, "hub_mallory": "hub.mallory"}
    which = rng.choice(["own", "own", "own", "other", "other"] + sorted(rec))
    record = rec[which]
    scope = rng.choice([[own], [own], [own, other], [other], [own, "hub"], ["hub"], [own, "6500199"], [other, "6500199"],
                        [own, other, "6500199"]])
    h = rhex(rng)
    ops = rng.choice([
        [tp.set_op("status", "approved")],
        [tp.add_op("attachments", h, photo(h))],
        [tp.add_op("events", "ev-" + rid(rng), inspection())],
        [tp.add_op("events", "ev-" + rid(rng), inspection("approve"))],
        [tp.add_op("events", "ev-" + rid(rng), inspection(role="officer"))],
        [tp.add_op("events", "ev-" + rid(rng), inspection(role=None))],
        [tp.add_op("events", "ev-" + rid(rng), "record-inspection")],
        [tp.add_op("events", "ev-" + rid(rng), inspection("issue-number"))],
        [tp.add_op("comments", "c-" + rid(rng), {"text": "ok"})],
        [tp.add_op("attachments", h, photo(h)), tp.set_op("status", "inspected")],
        [tp.add_op("events", "ev-a" + rid(rng), inspection()), tp.add_op("events", "ev-b" + rid(rng), inspection("approve"))],
        [tp.set_op("role", "admin"), tp.set_op("password_hash", "$2b$12$" + "a" * 53)],
        [tp.set_op("node", node.id), tp.set_op("office", own), tp.set_op("role", "office"), tp.set_op("legacy_seq", 0)],
    ])
    return (coll, record, scope, ops), which


def cat_authority(rng, w, c):
    node = pick(rng, w)
    specs, kinds = [], []
    for _ in range(rng.choice([1, 1, 1, 2, 3, 4])):
        if rng.random() < 0.15:
            specs.append(valid_spec(rng, node))
            kinds.append("valid")
        else:
            spec, which = authority_spec(rng, node)
            specs.append(spec)
            kinds.append("%s:%s" % (spec[0], which))
    chs = node.chain(specs)
    reasons = [tp.authority_decide(ch, node.writer())[1] for ch in chs]
    c.kind = "%s %s → %s" % (node.role, ",".join(kinds), ",".join(r or "ok" for r in reasons))
    r = push(w, c, node, chs, "accept", omit_prev=rng.random() < 0.5, what="authority")
    j = r.json()
    if r.status == 403 and isinstance(j, dict):
        first = next((x for x in reasons if x), None)
        if j.get("error") != first:
            c.dev("authority: 403 error %s, the first refused change's reason is %s" % (j.get("error"), first))
        for x in j.get("refused", []):
            if not {"seq", "collection", "record", "reason"} <= set(x):
                c.dev("authority: a refused entry lacks members: %s" % x)


def cat_chain(rng, w, c):
    node = pick(rng, w)
    other = rng.choice([n for n in writers(w) if n is not node] or [node])
    c.kind = rng.choice(["gap_small", "gap_huge", "wrong_prev", "prev_of_older", "fork_head", "fork_seq_1", "seq_zero",
                         "prev_null_after_1", "prev_on_seq_1", "duplicate_head", "gap_inside_batch", "out_of_order",
                         "same_seq_twice", "omitted_prev_no_predecessor", "omitted_prev_other_origin", "skew_far",
                         "skew_just_over", "skew_within", "hlc_max", "hlc_zero", "hlc_over_2_47", "version_2", "version_0",
                         "foreign_origin", "foreign_unknown_origin", "extra_member", "missing_member", "hash_null"])
    k = c.kind
    spec = valid_spec(rng, node)
    mode, want = "refuse", None
    omit_prev = False
    if k in ("gap_small", "gap_huge"):
        seq = node.seq + (rng.randint(2, 5) if k == "gap_small" else rng.choice([10**6, 2**53 - 1, 2**31]))
        chs = [node.change(*spec, seq=seq, prev=node.last_hash)]
        want = (409, "chain_gap")
    elif k == "wrong_prev":
        chs = [node.change(*spec, prev=rhex(rng))]
        want = (409, {"fork", "broken_chain"})
    elif k == "prev_of_older":
        chs = [node.change(*spec, prev=node.changes.get(node.seq - 1, {"hash": rhex(rng)})["hash"])]
        want = (409, {"fork", "broken_chain"})
    elif k == "fork_head":
        chs = [node.change(*spec, seq=node.seq, prev=node.changes.get(node.seq - 1, {}).get("hash"))]
        want = (409, "fork")
    elif k == "fork_seq_1":
        chs = [node.change(*spec, seq=1, prev=None)]
        want = (409, "fork")
    elif k == "seq_zero":
        chs = [sign_any(node, dict(node.body(*spec), seq=0, prev=None))]
    elif k == "prev_null_after_1":
        chs = [sign_any(node, dict(node.body(*spec), prev=None))]
    elif k == "prev_on_seq_1":
        chs = [node.change(*spec, seq=1, prev=rhex(rng))]
    elif k == "duplicate_head":
        chs = [node.changes[node.seq]]
        mode = "either"
        # §11: a re-sent change is a duplicate; one the hub holds refused (inert) is answered 403 again.
        want = 403 if tp.change_key(chs[0]) in w.inert else 200
    elif k == "gap_inside_batch":
        a = node.chain([spec])[0]
        b = node.change(*valid_spec(rng, node), seq=node.seq + 3, prev=a["hash"])
        chs = [a, b]
        want = (409, {"chain_gap", "broken_chain"})
    elif k == "out_of_order":
        chs = node.chain([spec, valid_spec(rng, node)])[::-1]
        mode = "either"  # SPEC: sent in seq order; (origin, seq) order decides; both or neither
    elif k == "same_seq_twice":
        a = node.chain([spec])[0]
        b = node.change(*valid_spec(rng, node), seq=a["seq"], prev=a["prev"])
        chs = [a, b]
        want = (409, "fork")
    elif k == "omitted_prev_no_predecessor":
        ch = node.chain([spec])[0]
        chs = [ch]
        body = {"protocol": 2, "changes": [{k2: v for k2, v in ch.items() if k2 not in ("prev", "hash")}]}
        r = w.post(node, PUSH, enc(body))
        c.expect(r, "4xx", want=(400, "malformed_change"), what=k)
        c.account(node, chs, r, "refuse", what=k)
        return
    elif k == "omitted_prev_other_origin":
        oc = other.chain([valid_spec(rng, other)])[0]
        ch = node.chain([spec])[0]
        body = {"protocol": 2, "changes": [oc, {k2: v for k2, v in ch.items() if k2 not in ("prev", "hash")}]}
        r = w.post(node, PUSH, enc(body))
        c.expect(r, "4xx", what=k)
        c.account(node, [ch], r, "refuse", what=k)
        c.account(other, [oc], r, "refuse", what=k)
        return
    elif k in ("skew_far", "skew_just_over", "skew_within", "hlc_max", "hlc_zero", "hlc_over_2_47"):
        now = tp.now_ms()
        hlc = {"skew_far": (now + 3_600_000) << 16, "skew_just_over": (now + 305_000) << 16,
               "skew_within": (now + 290_000) << 16, "hlc_max": 2**64 - 1, "hlc_zero": 0,
               "hlc_over_2_47": 2**63 + 5}[k]
        chs = [node.change(*spec, hlc=hlc)]
        if k in ("skew_within", "hlc_zero"):
            mode, want = "valid", 200
        elif k in ("hlc_max", "hlc_over_2_47"):
            want = (None, {"clock_skew", "invalid_change", "malformed_change"})  # §4: wall time ≤ 2^47 − 1
        else:
            want = (422, "clock_skew")
        node.hlc = max(node.hlc, tp.now_ms() << 16)
    elif k in ("version_2", "version_0"):
        chs = [sign_any(node, dict(node.body(*spec), v=2 if k == "version_2" else 0))]
    elif k == "foreign_origin":
        chs = [node.chain([spec])[0], other.chain([valid_spec(rng, other)])[0]] if rng.random() < 0.5 else \
              other.chain([valid_spec(rng, other)])
        want = (403, "foreign_origin")
    elif k == "foreign_unknown_origin":
        s = w.stranger(rng)
        chs = s.chain([valid_spec(rng, s)])
        want = (403, "foreign_origin")
    elif k == "extra_member":
        ch = node.chain([spec])[0]
        chs = [dict(ch, **{rng.choice(["extra", "Hash", "id", "office"]): 1})]
        want = (400, "malformed_change")
    elif k == "missing_member":
        ch = node.chain([spec])[0]
        drop = rng.choice(["v", "origin", "seq", "hlc", "collection", "record", "scope", "ops", "sig"])
        chs = [{k2: v for k2, v in ch.items() if k2 != drop}]
        c.kind += ":" + drop
        want = (400, "malformed_change")
    else:  # hash_null
        ch = node.chain([spec])[0]
        chs = [dict(ch, hash=None)]
        want = (400, "malformed_change")
    body = w.push_body(chs, omit_hash=k not in ("hash_null",), omit_prev=omit_prev)
    r = w.post(node, PUSH, body, gz=len(body) > 512)
    c.expect(r, "4xx" if mode == "refuse" else "2xx|4xx", want=want, what=k)
    mine = [ch for ch in chs if ch.get("origin") == node.id]
    theirs = [ch for ch in chs if ch.get("origin") == other.id and other is not node]
    if k == "duplicate_head" and r.status == 200:
        j = r.json() or {}
        if j.get("accepted_seq") != node.seq or j.get("applied") != 0:
            c.fail("re-sent head #%d: answered %s (SPEC: idempotent, nothing applied)" % (node.seq, j))
        c.writers[node.name] = node
        return
    c.account(node, mine, r, mode, what=k)
    if theirs:
        c.account(other, theirs, r, "refuse", what=k)


def bad_change(rng, w, node, kind):
    """One change (the node's next) broken in one way: hash, signature, or canonical form."""
    spec = valid_spec(rng, node)
    body = node.body(*spec)
    good = node.sign_body(body)
    digest = bytes.fromhex(good["hash"])
    if kind == "hash_wrong":
        return dict(good, hash=rhex(rng)), (422, "bad_hash"), True
    if kind == "hash_of_other_change":
        return dict(good, hash=node.changes.get(node.seq, {"hash": rhex(rng)})["hash"]), (422, "bad_hash"), True
    if kind == "hash_upper":
        return dict(good, hash=good["hash"].upper()), (400, "malformed_change"), True
    if kind == "sig_bitflip":
        sig = bytearray(bytes.fromhex(good["sig"]))
        i = rng.randrange(64)
        sig[i] ^= 1 << rng.randrange(8)
        return dict(good, sig=bytes(sig).hex()), (422, "bad_signature"), False
    if kind == "sig_other_key":
        return dict(good, sig=w.stranger(rng).sign(digest).hex()), (422, "bad_signature"), False
    if kind == "sig_over_hex_hash":
        return dict(good, sig=node.sign(good["hash"].encode()).hex()), (422, "bad_signature"), False
    if kind == "sig_over_body":
        return dict(good, sig=node.sign(tp.canonical_body(body).encode()).hex()), (422, "bad_signature"), False
    if kind == "sig_zero":
        return dict(good, sig="0" * 128), (422, "bad_signature"), False
    if kind == "sig_of_previous":
        return dict(good, sig=node.changes.get(node.seq, {"sig": "ab" * 64})["sig"]), (422, "bad_signature"), False
    # Hashes over a form that is not RFC 8785's: the hub recomputes the canonical one, so the signature fails.
    if kind == "noncanonical_spaces":
        text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    elif kind == "noncanonical_order":
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    elif kind == "noncanonical_escapes":
        body = dict(body, ops=[tp.set_op("subject", "é/ก\u007f")] if node.role == "office" else body["ops"])
        text = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")
    else:  # noncanonical_utf8_sort: keys sorted by code point, not UTF-16 (differs for astral vs. BMP-high)
        value = {"\ufb33": 1, "\U0001F600": 2}
        body = dict(body, ops=[tp.set_op("subject", value)] if node.role == "office" else body["ops"])
        text = "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + (
            '[{"field":"subject","op":"set","value":{"\ufb33":1,"\U0001F600":2}}]' if k == "ops" and node.role == "office"
            else tp.jcs(body[k])) for k in sorted(body)) + "}"
    d = tp.hashlib.sha256(text.encode("utf-8")).digest()
    if text == tp.canonical_body(body):
        d = tp.hashlib.sha256((text + " ").encode()).digest()
    return dict(body, hash=d.hex(), sig=node.sign(d).hex()), (422, "bad_signature"), False


BAD_KINDS = ["hash_wrong", "hash_of_other_change", "hash_upper", "sig_bitflip", "sig_other_key", "sig_over_hex_hash",
             "sig_over_body", "sig_zero", "sig_of_previous", "noncanonical_spaces", "noncanonical_order",
             "noncanonical_escapes", "noncanonical_utf8_sort"]


def cat_bad_hash_sig(rng, w, c):
    node = pick(rng, w)
    c.kind = rng.choice(BAD_KINDS)
    ch, want, keep_hash = bad_change(rng, w, node, c.kind)
    omit = not keep_hash and rng.random() < 0.5
    if c.kind.startswith("noncanonical") and not omit:
        want = (422, "bad_hash")  # the declared hash is over the non-canonical text: it does not match (§5.3)
    body = w.push_body([ch], omit_hash=omit)
    r = w.post(node, PUSH, body, gz=len(body) > 512)
    c.expect(r, "4xx", want=want, what=c.kind)
    c.account(node, [ch], r, "refuse", what=c.kind)


def cat_batch_atomic(rng, w, c):
    """A batch with one bad change among good ones: nothing of it may be applied (§5.3)."""
    node = pick(rng, w)
    n_good = rng.randint(1, 6)
    pos = rng.randint(0, n_good)
    bad = rng.choice(BAD_KINDS + ["gap", "skew", "malformed", "fork"])
    c.kind = "%d good, %s at %d" % (n_good, bad, pos)
    before = node.chain([valid_spec(rng, node) for _ in range(pos)])
    start_seq = node.seq + pos
    start_prev = before[-1]["hash"] if before else node.last_hash
    saved = (node.seq, node.last_hash)
    node.seq, node.last_hash = start_seq, start_prev  # build the bad change at its place in the chain
    try:
        if bad == "gap":
            badch = node.change(*valid_spec(rng, node), seq=start_seq + 2, prev=start_prev)
        elif bad == "skew":
            badch = node.change(*valid_spec(rng, node), hlc=(tp.now_ms() + 3_600_000) << 16)
            node.hlc = tp.now_ms() << 16
        elif bad == "malformed":
            badch = dict(node.change(*valid_spec(rng, node)), extra=1)
        elif bad == "fork":
            badch = node.change(*valid_spec(rng, node), seq=saved[0], prev=node.changes.get(saved[0] - 1, {}).get("hash"))
        else:
            badch = bad_change(rng, w, node, bad)[0]
    finally:
        node.seq, node.last_hash = saved
    after_prev = badch["hash"] if bad not in ("gap", "fork") else start_prev
    after = node.chain([valid_spec(rng, node) for _ in range(n_good - pos)], start_seq=start_seq + 1, start_prev=after_prev)
    chs = before + [badch] + after
    body = w.push_body(chs, omit_hash=not bad.startswith("hash"), omit_prev=rng.random() < 0.5)
    r = w.post(node, PUSH, body, gz=True)
    c.expect(r, "4xx", what=c.kind)
    c.account(node, before + [badch] + after, r, "refuse", what=c.kind)


# --- categories: enrolment, floods, valid extremes -----------------------------------------------------------------------------

def cat_enrol(rng, w, c):
    s = w.stranger(rng)
    s.name = "enrol%d" % c.index
    c.kind = rng.choice(["random_token", "malformed_token", "used_token", "wrong_office", "office_node_exists", "already_joined",
                         "revoked_reenrol", "restore_unknown_token", "invalid_office", "bad_signature_keeps_token",
                         "protocol_1", "token_race", "restore_valid", "hub_office"])
    k = c.kind
    env = {"token": "tbn1." + rhex(rng, 24), "office": A, "name": "fuzz", "protocol": 2}
    if k == "random_token":
        c.expect(w.post(s, ENROL, enc(env)), "4xx", want=(403, "invalid_token"), what=k)
    elif k == "malformed_token":
        env["token"] = rng.choice(["", "tbn1.", "tbn1." + "AB" * 24, "tbn1." + "ab" * 23, "tbn2." + "ab" * 24, "ab" * 24,
                                   "tbn1." + "ab" * 24 + " ", "tbn1.' OR 1=1 --", "tbn1.%00"])
        c.expect(w.post(s, ENROL, enc(env)), "4xx", want=(403, "invalid_token"), what=k)
    elif k == "used_token":
        tok = token(w, A, "survey")
        first = w.stranger(rng)
        first.name = "enrolfirst%d" % c.index
        c.allow_hub = True
        c.expect(enrol(w, first, tok), "2xx", what="first use")
        c.expect(w.post(s, ENROL, enc(dict(env, token=tok))), "4xx", want=(409, "used_token"), what=k)
    elif k == "wrong_office":
        tok = token(w, B, "survey")
        c.expect(w.post(s, ENROL, enc(dict(env, token=tok, office=A))), "4xx", want=(403, "wrong_office"), what=k)
        if rng.random() < 0.4:
            c.allow_hub = True
            c.expect(w.post(s, ENROL, enc(dict(env, token=tok, office=B))), "2xx", what="the same token, right office")
    elif k == "office_node_exists":
        tok = token(w, rng.choice([A, B]), "office")
        office = A if tok and rng.random() < 2 else B
        c.expect(w.post(s, ENROL, enc(dict(env, token=tok, office=office))), "4xx", want=(None, {"office_node_exists", "wrong_office"}), what=k)
    elif k == "already_joined":
        node = pick(rng, w)
        tok = token(w, node.office, "survey")
        c.expect(w.post(node, ENROL, enc(dict(env, token=tok, office=node.office))), "4xx", want=(409, "already_joined"), what=k)
    elif k == "revoked_reenrol":
        rv = w.nodes["revokee"]
        tok = token(w, A, "survey")
        c.expect(w.post(rv, ENROL, enc(dict(env, token=tok))), "4xx", want=(403, "revoked_node"), what=k)
    elif k == "restore_unknown_token":
        c.expect(w.post(s, ENROL, enc({"token": env["token"], "restore": True, "name": "x", "protocol": 2})), "4xx",
                 want=(403, "invalid_token"), what=k)
    elif k == "invalid_office":
        env["office"] = rng.choice(["hub", "HUB", "", "a b", "x" * 33, A + ".", "-1", "ก", None, 6500101])
        c.expect(w.post(s, ENROL, enc(env)), "4xx", what=k)
    elif k == "bad_signature_keeps_token":
        tok = token(w, A, "survey")
        c.expect(w.post(s, ENROL, enc(dict(env, token=tok)), key=w.stranger(rng)), "4xx", want=(401, "bad_request_signature"), what=k)
        c.allow_hub = True
        c.expect(w.post(s, ENROL, enc(dict(env, token=tok))), "2xx", what="the token after a refused signature")
    elif k == "protocol_1":
        tok = token(w, A, "survey")
        c.expect(w.post(s, ENROL, enc(dict(env, token=tok)), headers={"Tambon-Protocol": "1"}), "4xx",
                 want=(426, "unsupported_protocol"), what=k)
    elif k == "token_race":
        tok = token(w, A, "survey")
        racers = [w.stranger(rng) for _ in range(rng.randint(2, 6))]
        c.allow_hub = True
        rs = w.send_many([w.build(x, ENROL, enc(dict(env, token=tok))) for x in racers])
        for r in rs:
            c.expect(r, "2xx|4xx", what=k)
        ok = sum(1 for r in rs if r.status is not None and 200 <= r.status < 300)
        if ok != 1:
            c.fail("one enrolment token enrolled %d nodes at once" % ok)
        c.kind += " x%d" % len(racers)
    elif k == "restore_valid":
        tok = token(w, rng.choice([A, B]), "survey")
        c.allow_hub = True
        r = c.expect(w.post(s, ENROL, enc({"token": tok, "restore": True, "name": "restored", "protocol": 2})), "2xx|4xx",
                     want=200, what=k)
    else:
        r = w.hub.cli("hub", "token", "--data", w.hub.data, "--office", rng.choice(["hub", "HUB", "Hub"]), check=False)
        if r.returncode == 0:
            c.fail("tambon hub token made a token for the hub's own scope: %s" % r.stdout.strip())
            c.allow_hub = True
            c.expect(w.post(s, ENROL, enc(dict(env, token=r.stdout.strip(), office="hub"))), "4xx", what=k)


def cat_flood(rng, w, c):
    c.flood = True
    c.kind = rng.choice(["slow_pulls", "fast_pulls", "two_nodes_slow", "unauth_8MiB", "duplicate_pushes", "bombs"])
    node = pick(rng, w)
    before = w.hub.rss_now()
    if c.kind in ("slow_pulls", "two_nodes_slow"):
        k = rng.randint(3, 10)
        wire = bomb(w, "p31", 31 << 20, b" ", b'{"protocol":2,"after":0,"limit":1}')
        nodes = [node] if c.kind == "slow_pulls" else [node, rng.choice([n for n in writers(w) if n is not node] or [node])]
        reqs = [w.build(nodes[i % len(nodes)], PULL, b"", wire=wire, gz=True) for i in range(k)]
    elif c.kind == "fast_pulls":
        k = rng.randint(10, 40)
        reqs = [w.build(node, PULL, w.pull_body(0, 5)) for _ in range(k)]
    elif c.kind == "unauth_8MiB":
        k = rng.randint(8, 24)
        body = padded_pull(tp.MAX_WIRE - 10)
        reqs = [w.build(node, PULL, body, key=w.stranger(rng)) for _ in range(k)]
    elif c.kind == "bombs":
        k = rng.randint(3, 8)
        wire = bomb(w, "z1g", 1 << 30)
        reqs = [w.build(node, PULL, b"", wire=wire, gz=True) for _ in range(k)]
    else:
        k = rng.randint(4, 16)
        reqs = [w.build(node, PUSH, w.push_body([node.changes[node.seq]])) for _ in range(k)]
    rs = w.send_many(reqs, timeout=120)
    for r in rs:
        c.expect(r, "2xx|4xx", what=c.kind)
        if c.kind in ("unauth_8MiB",) and r.status is not None and 200 <= r.status < 300:
            c.fail("a request with a bad signature was answered %d" % r.status)
    c.kind += " x%d" % k
    after = w.hub.rss_now()
    c.log.append("429s %d; RSS %s → %s KiB" % (sum(1 for r in rs if r.status == 429), before, after))


EXOTIC_STRINGS = ["", "ก", "นายสมชาย ใจดี", "😀", "\ufb33", "\u2028\u2029", "\u0000", "\u001f", "\u007f", "\\", '"', "/",
                  "\ud7ff\ue000", "\U0010ffff", "a\u0301", "\ufeff", "\r\n\t\b\f", "𝄞" * 100, "x" * 10000]


def exotic_value(rng, depth=0, budget=None):
    """A random JSON value of legal but awkward content, at most ~budget[0] scalars in all."""
    budget = budget if budget is not None else [rng.randint(1, 400)]
    budget[0] -= 1
    r = rng.random()
    if depth > 25 or budget[0] <= 0 or r < 0.4:
        return rng.choice([None, True, False, rng.choice([0, -1, 1.5, 1e300, -1e-300, 5e-324, 2**53, -(2**53), 0.1, 1e21, 1e-7,
                                                           123456789.123456789]),
                           rng.choice(EXOTIC_STRINGS), rng.randint(-10**15, 10**15)])
    if r < 0.7:
        return [exotic_value(rng, depth + 1, budget) for _ in range(rng.randint(0, 5 if depth else 50)) if budget[0] > 0]
    keys = rng.sample(EXOTIC_STRINGS[:-1] + ["a", "b", "A", "aa", "é", "€", "\U0001F600"], rng.randint(0, 6))
    return {k: exotic_value(rng, depth + 1, budget) for k in keys if budget[0] > 0}


def cat_valid_exotic(rng, w, c):
    """Valid changes with extreme but legal content: the hub must accept them and hold what this script merges."""
    node = pick(rng, w, office_only=True)
    c.kind = rng.choice(["values", "values", "many_ops", "deep_30", "scope_64", "shared", "ids", "batch_200"])
    own, other = node.office, (B if node.office == A else A)
    rec = own + "." + rid(rng)
    if c.kind == "values":
        specs = [("letters", rec, [own], [tp.set_op("v%d" % i, exotic_value(rng)) for i in range(rng.randint(1, 5))])]
    elif c.kind == "many_ops":
        specs = [("letters", rec, [own], [tp.add_op("items", "i%04d" % i, i) for i in range(1000)])]
    elif c.kind == "deep_30":
        v = 1
        for _ in range(30):
            v = [v] if rng.random() < 0.5 else {"k": v}
        specs = [("letters", rec, [own], [tp.set_op("deep", v)])]
    elif c.kind == "scope_64":
        scope = sorted({own, other} | {"65%05d" % rng.randrange(100000) for _ in range(62)}, key=lambda s: s.encode())[:64]
        if own not in scope:
            scope = sorted(scope[:62] + [own, other], key=lambda s: s.encode())
        specs = [("letters", rec, scope, [tp.set_op("to", "everyone")])]
    elif c.kind == "shared":
        # A record shared with the other office, then taken back: §6.1 routes the change that removes it there too.
        specs = [("letters", rec, [own, other], [tp.set_op("s", 1)]), ("letters", rec, [own], [tp.set_op("s", 2)])]
    elif c.kind == "ids":
        specs = [("letters", own + "." + rng.choice(["a:b.c-d_e", "0", "Z" * 100, "x.y.z", "a" * (127 - len(own))]),
                  [own], [tp.add_op("e", rng.choice(["a", "a:b", "a.b-c_d", "9" * 128]), "v")])]
    else:
        specs = [("letters", own + ".b" + rid(rng), [own], [tp.set_op("i", i)]) for i in range(200)]
    chs = node.chain(specs)
    push(w, c, node, chs, "accept", omit_prev=rng.random() < 0.5, what=c.kind)


CATEGORIES = [
    ("malformed_json", cat_malformed_json), ("truncated_body", cat_truncated_body), ("deep_nesting", cat_deep_nesting),
    ("wrong_types", cat_wrong_types), ("huge_numbers", cat_huge_numbers), ("huge_strings", cat_huge_strings),
    ("oversized_body", cat_oversized_body), ("gzip_corrupt", cat_gzip_corrupt), ("gzip_bomb", cat_gzip_bomb),
    ("content_encoding", cat_content_encoding), ("blob_get", cat_blob_get), ("blob_put", cat_blob_put),
    ("blob_have", cat_blob_have), ("replay_nonce", cat_replay_nonce), ("request_signature", cat_request_signature),
    ("identity", cat_identity), ("timestamps", cat_timestamps), ("headers", cat_headers), ("http_framing", cat_http_framing),
    ("authority", cat_authority), ("authority", cat_authority), ("chain", cat_chain), ("bad_hash_sig", cat_bad_hash_sig),
    ("batch_atomic", cat_batch_atomic), ("enrol", cat_enrol), ("flood", cat_flood), ("valid_exotic", cat_valid_exotic),
    ("wrong_types", cat_wrong_types), ("malformed_json", cat_malformed_json), ("blob_put", cat_blob_put),
    ("blob_scope", cat_blob_scope), ("feed_page", cat_feed_page),
]
BLOB_CATEGORIES = {"blob_put", "blob_get", "blob_have", "gzip_bomb"}
ROSTER_CATEGORIES = {"enrol", "identity", "wrong_types", "huge_strings", "oversized_body"}


# --- endurance (with --long): memory against concurrency, stalled connections ---------------------------------------------------

def reset_hwm(hub):
    try:
        with open("/proc/%d/clear_refs" % hub.proc.pid, "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux)
    except OSError:
        pass


def vm(hub, field):
    try:
        with open("/proc/%d/status" % hub.proc.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None


def stalled(w, data, wait):
    """Seconds until the hub closes a TLS connection that sent `data` and then nothing (None: still open)."""
    import socket
    sock = socket.create_connection(("127.0.0.1", w.hub.port), timeout=wait)
    tls = w.client.ctx.wrap_socket(sock, server_hostname="127.0.0.1")
    started = time.monotonic()
    try:
        tls.sendall(data)
        while time.monotonic() - started < wait:
            tls.settimeout(max(0.1, wait - (time.monotonic() - started)))
            try:
                if not tls.recv(65536):
                    return time.monotonic() - started
            except (TimeoutError, OSError) as e:
                if "timed out" in str(e):
                    return None
                return time.monotonic() - started
        return None
    finally:
        tls.close()


def endurance(w, index):
    c = Case(w, index, "endurance")
    c.kind = "memory and stalled connections"
    c.flood = True
    hub = w.hub
    node = w.nodes["officeA"]
    report = {}
    wire = bomb(w, "p31", 31 << 20, b" ", b'{"protocol":2,"after":0,"limit":1}')
    for label, make, ks in (
            ("signed 31 MiB gzip pulls of one node", lambda: w.build(node, PULL, b"", wire=wire, gz=True), (2, 8, 32)),
            ("8 MiB bodies with a bad signature for an enrolled node id",
             lambda: w.build(node, PULL, padded_pull(tp.MAX_WIRE - 10), key=w.stranger(random.Random(1))), (2, 16, 64, 128))):
        for k in ks:
            base = vm(hub, "VmRSS")
            reset_hwm(hub)
            rs = w.send_many([make() for _ in range(k)], timeout=180)
            for r in rs:
                c.expect(r, "2xx|4xx", what="%s x%d" % (label, k))
            peak = vm(hub, "VmHWM")
            hub.sample_rss()
            counts = {}
            for r in rs:
                counts[str(r.status)] = counts.get(str(r.status), 0) + 1
            report["%s x%d" % (label, k)] = {"rss_before_kib": base, "hwm_kib": peak, "statuses": counts}
            print("  endurance: %s x%d: RSS %s KiB → peak %s KiB, answers %s" % (label, k, base, peak, counts), file=sys.stderr)
            if not hub.alive():
                c.fail("THE HUB DIED under %s x%d (%s)" % (label, k, hub.exit_description()))
                hub.restart()
                break
    # Stalled connections: a request head never finished (SPEC §9: closed after 30 s), a body never finished.
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nTambon-Protocol: 2\r\n" % PULL).encode()
    q = w.build(node, PULL, w.pull_body())
    body_head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % PULL + "".join("%s: %s\r\n" % kv for kv in q.headers.items())
                 + "Content-Length: 1000\r\n\r\n").encode() + b"{"
    with ThreadPoolExecutor(max_workers=2) as ex:
        f_head = ex.submit(stalled, w, head, 45)
        f_body = ex.submit(stalled, w, body_head, 75)
        t_head, t_body = f_head.result(), f_body.result()
    report["stalled_head_closed_after_s"] = t_head and round(t_head, 1)
    report["stalled_body_closed_after_s"] = t_body and round(t_body, 1)
    print("  endurance: unfinished head closed after %s s, unfinished body after %s s" % (report["stalled_head_closed_after_s"],
                                                                                       report["stalled_body_closed_after_s"]), file=sys.stderr)
    if t_head is None or t_head > 40:
        c.dev("a connection with an unfinished request head stayed open > 40 s (SPEC §9: 30 s)")
    if t_body is None:
        c.dev("a connection whose body never arrives stays open > 75 s (SPEC §9 bounds only the head)")
    # Many idle connections, then a normal request.
    import socket
    conns = []
    try:
        for _ in range(300):
            s2 = socket.create_connection(("127.0.0.1", hub.port), timeout=5)
            conns.append(w.client.ctx.wrap_socket(s2, server_hostname="127.0.0.1"))
    except OSError as e:
        c.dev("opening 300 idle TLS connections: %r after %d" % (e, len(conns)))
    c.expect(w.client.request("GET", "/v1/hello", timeout=10), "2xx", what="hello beside %d idle connections" % len(conns))
    report["idle_connections_rss_kib"] = vm(hub, "VmRSS")
    for s2 in conns:
        s2.close()
    c.report = report
    return c


# --- the run ---------------------------------------------------------------------------------------------------------------------

def run_case(w, index, case_seed, category, fn):
    rng = random.Random(case_seed)
    c = Case(w, index, category)
    blob_before = w.blob_state() if category in BLOB_CATEGORIES else None
    roster_before = roster_ids(w.roster()) if category in ROSTER_CATEGORIES else None
    started = time.monotonic()
    try:
        fn(rng, w, c)
    except Exception:
        c.fail("the fuzzer itself failed (not a hub finding):\n" + traceback.format_exc())
        c.fuzzer_error = True
    if any(st is None for st in c.statuses):
        w.hub.settle()  # a dropped connection: is the hub dying (Swift prints a backtrace first)?
    if w.hub.alive():
        try:
            check_state(w, c, blob_before, roster_before if not c.allow_hub else None)
        except Exception:
            c.fail("the fuzzer's checks failed:\n" + traceback.format_exc())
    if not w.hub.alive():
        c.fail("THE HUB DIED (%s):\n%s" % (w.hub.exit_description(), indent(w.hub.crash_summary())))
        c.crashed = True
        w.hub.restart()
        try:
            check_state(w, Case(w, index, category))
        except Exception:
            pass
    c.seconds = time.monotonic() - started
    w.hub.sample_rss()
    return c


def indent(text, prefix="      "):
    return "\n".join(prefix + line for line in text.splitlines())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("TAMBON_BIN", ".build/debug/tambon"), help="the tambon binary")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--cases", type=int, default=None, help="number of cases (default %d, %d with --long)" % (DEFAULT_CASES, LONG_CASES))
    ap.add_argument("--long", action="store_true", help="many more cases")
    ap.add_argument("--only", type=int, default=None, metavar="K", help="replay case K alone (after the setup)")
    ap.add_argument("--endurance", action="store_true", help="run the endurance checks (memory against concurrency, stalled "
                    "connections; about 3 minutes; implied by --long) after the cases")
    ap.add_argument("--keep", action="store_true", help="keep the hub's temporary directory")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every case")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        ap.error("no executable tambon at %s (--bin or TAMBON_BIN)" % binary)
    n_cases = args.cases if args.cases is not None else (LONG_CASES if args.long else DEFAULT_CASES)
    if args.only is not None and args.only >= n_cases:
        n_cases = args.only + 1

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    root = tempfile.mkdtemp(prefix="fuzz-sync-")
    hub = Hub(binary, root)
    w = World(hub, args.seed)
    started = time.monotonic()
    failures, deviations, by_category, kinds, statuses = [], {}, {}, {}, {}
    too_many = 0
    too_many_by = {}
    ran = 0
    endurance_report = None
    replay = "python3 scripts/fuzz-sync.py --bin %s --seed %d" % (args.bin, args.seed)
    try:
        control = setup(w, args)
        if control.failures:
            for f in control.failures:
                print("CONTROL FAILED [%s]: %s" % (control.kind, f), file=sys.stderr)
            print("the control round failed: this script does not speak the hub's protocol (or the hub is broken)", file=sys.stderr)
            return 2
        print("control round ok: hub %s on port %d, %d nodes enrolled, push/pull/blobs answered 2xx, digests agree" % (
            w.hub_id[:12], hub.port, len(w.nodes)), file=sys.stderr)
        master = random.Random(args.seed)
        for index in range(n_cases):
            case_seed = master.getrandbits(64)
            if args.only is not None and index != args.only:
                continue
            category, fn = CATEGORIES[index % len(CATEGORIES)]
            c = run_case(w, index, case_seed, category, fn)
            ran += 1
            by_category[category] = by_category.get(category, 0) + 1
            kinds.setdefault(category, set()).add(c.kind.split("=")[0].split(" x")[0][:40])
            too_many += c.too_many
            if c.too_many:
                too_many_by[category] = too_many_by.get(category, 0) + c.too_many
            for s in c.statuses:
                statuses[str(s)] = statuses.get(str(s), 0) + 1
            for d in c.deviations:
                key = (category, re.sub(r"\d{4,}", "N", d)[:160])
                deviations.setdefault(key, [0, index, c.kind])[0] += 1
            if args.verbose:
                print("case %d %s [%s] %.2fs %s%s" % (index, category, c.kind, c.seconds, c.statuses,
                                                     " " + "; ".join(c.log) if c.log else ""), file=sys.stderr)
            if c.failures:
                failures.append(c)
                print("\nFAIL case %d [%s] %s" % (index, category, c.kind), file=sys.stderr)
                for f in c.failures:
                    print("  - " + f, file=sys.stderr)
                print("  replay: %s --only %d" % (replay, index), file=sys.stderr)
            if (index + 1) % 100 == 0 and args.only is None:
                print("… %d cases, %d failing, %.0f s, hub VmHWM %d KiB" % (index + 1, len(failures), time.monotonic() - started,
                                                                         hub.sample_rss()), file=sys.stderr)
        if (args.long or args.endurance) and args.only is None:
            print("endurance checks …", file=sys.stderr)
            c = endurance(w, n_cases)
            endurance_report = c.report
            by_category["endurance"] = 1
            for d in c.deviations:
                deviations.setdefault(("endurance", d), [0, n_cases, c.kind])[0] += 1
            if c.failures:
                failures.append(c)
                print("\nFAIL endurance checks", file=sys.stderr)
                for f in c.failures:
                    print("  - " + f, file=sys.stderr)
                print("  replay: %s --cases 0 --endurance" % replay, file=sys.stderr)
    finally:
        hub.sample_rss()
        hub.stop()
        if args.keep:
            print("kept %s" % root, file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    if deviations:
        print("\nDeviations from SPEC (right class of answer, not the status/code SPEC names; not failures):", file=sys.stderr)
        for (category, text), (count, first, kind) in sorted(deviations.items()):
            print("  %4d× [%s] %s   (first: case %d, %s)" % (count, category, text, first, kind[:60]), file=sys.stderr)
    summary = {
        "seed": args.seed, "cases": ran, "by_category": by_category, "failures": len(failures),
        "failing_cases": [c.index for c in failures][:100],
        "deviations": sum(v[0] for v in deviations.values()), "too_many_requests_429": too_many, "too_many_requests_by_category": too_many_by,
        "statuses": statuses, "hub_restarts": hub.restarts, "seconds": round(time.monotonic() - started, 1),
        "hub_rss_hwm_kib": hub.hwm_kib,
    }
    if endurance_report:
        summary["endurance"] = endurance_report
    if failures:
        groups = {}
        for c in failures:
            first = c.failures[0].splitlines()[0].replace(c.kind, "<case>")
            if any("THE HUB DIED" in f for f in c.failures):
                died = next(f for f in c.failures if "THE HUB DIED" in f).splitlines()
                what = [l.strip() for l in died if "Fatal error" in l or "runtime failure:" in l][:1]
                where = [re.sub(r"^.* in tambon at /.*?/Sources/", "Sources/", l.strip()) for l in died if "/Sources/" in l][:1]
                first = "hub died: " + " at ".join(what[:1] + where)
            key = (c.category, re.sub(r"[0-9a-f]{8,}|\d+", "N", first)[:150])
            groups.setdefault(key, []).append(c.index)
        print("\n%d failing case(s), %d distinct; replay one with: %s --only K" % (len(failures), len(groups), replay), file=sys.stderr)
        for (category, text), idx in sorted(groups.items(), key=lambda kv: kv[1][0]):
            print("  %3d× [%s] %s   (cases %s)" % (len(idx), category, text, ", ".join(map(str, idx[:8])) + (" …" if len(idx) > 8 else "")),
                  file=sys.stderr)
    print(json.dumps(summary, sort_keys=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
