// Tambon's sync protocol (sync-protocol/SPEC.md) in plain JavaScript: the second implementation, for the survey
// officers' phones. No I/O here: canonical JSON (§1), the hybrid logical clock (§4), changes with their hash and
// signature (§5), the batch wire form (§5.1), merge and digest (§6, §7), request signing (§9) and the authority
// rules (§15). Cryptography is WebCrypto's (SHA-256, Ed25519), the same in Chromium and in Node.
//
// An ES module with no dependencies; tests: Tests/js/protocol.test.mjs against sync-protocol/test-vectors.

export const PROTOCOL = 2;
export const CHANGE_VERSION = 1;
export const HUB = "hub";
export const MAX_SCOPE = 64;
export const MAX_OPS = 1000;

// Browsers and Node 19+ have WebCrypto as a global; Node 18 (Debian 12's) has it as a module.
const subtle = (globalThis.crypto ?? (await import("node:crypto")).webcrypto).subtle;
const utf8 = new TextEncoder();

// ---- bytes and hex (§1: lower-case only) ------------------------------------------------------------------------

export function toHex(bytes) {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** The bytes of lower-case hex `text`, or null (upper case, odd length, other characters, wrong `length`). */
export function fromHex(text, length) {
  if (typeof text !== "string" || text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) return null;
  if (length !== undefined && text.length !== length * 2) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle.digest("SHA-256", bytes));
}

export async function sha256Hex(bytes) {
  return toHex(await sha256(bytes));
}

/** Byte order of the UTF-8 encodings (§7), without encoding: UTF-16 order differs only above the BMP. */
export function compareBytes(a, b) {
  if (a === b) return 0;
  const x = utf8.encode(a), y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

// ---- canonical JSON (RFC 8785, §1) ------------------------------------------------------------------------------

export class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function checkString(text) {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) throw new ProtocolError("malformed_json", "a lone surrogate in a string");
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      throw new ProtocolError("malformed_json", "a lone surrogate in a string");
    }
  }
  return text;
}

/** The RFC 8785 canonical text of a JSON value: members sorted by UTF-16 code units, numbers and strings as
 * ECMAScript writes them. Refuses what I-JSON refuses (non-finite numbers, lone surrogates, other types). */
export function canonicalJSON(value, depth = 0) {
  if (depth > 64) throw new ProtocolError("malformed_json", "nested deeper than 64 levels");
  if (value === null || value === true || value === false) return String(value);
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new ProtocolError("malformed_json", "a number that is not finite");
      return String(value);  // Number.prototype.toString: 1e+21, 1e-7, -0 → "0"
    case "string":
      return JSON.stringify(checkString(value));
    case "object": {
      if (Array.isArray(value)) return "[" + value.map((item) => canonicalJSON(item, depth + 1)).join(",") + "]";
      const keys = Object.keys(value).sort();  // default sort: UTF-16 code units, as RFC 8785 says
      return "{" + keys.map((key) => JSON.stringify(checkString(key)) + ":" + canonicalJSON(value[key], depth + 1)).join(",") + "}";
    }
    default:
      throw new ProtocolError("malformed_json", "not a JSON value: " + typeof value);
  }
}

// ---- the hybrid logical clock (§4) ------------------------------------------------------------------------------

const COUNTER = 0xffffn;
export const MAX_WALL_MS = 2 ** 47 - 1;

/** An HLC as 16 lower-case hex digits → BigInt, or null. */
export function parseHLC(text) {
  return typeof text === "string" && /^[0-9a-f]{16}$/.test(text) ? BigInt("0x" + text) : null;
}

export function formatHLC(value) {
  return value.toString(16).padStart(16, "0");
}

export class ClockSkewError extends ProtocolError {
  constructor(skewMs) {
    super("clock_skew", `a timestamp ${skewMs} ms ahead of this clock`);
    this.skewMs = skewMs;
  }
}

/** The clock of §4: `last` is the high-water mark (BigInt), to be stored with every change that moves it. */
export class HybridClock {
  constructor(last = 0n, maxSkewMs = 300000) {
    this.last = BigInt(last);
    this.maxSkewMs = maxSkewMs;
  }

  static pack(millis, counter) {
    return (BigInt(millis) << 16n) | BigInt(counter);
  }

  static #next(l, c) {
    return c === COUNTER ? HybridClock.pack(l + 1n, 0) : HybridClock.pack(l, c + 1n);
  }

  /** A local event at wall time `wallMs`. */
  tick(wallMs) {
    const pt = BigInt(Math.min(Math.max(0, Math.floor(wallMs)), MAX_WALL_MS));
    const l = this.last >> 16n, c = this.last & COUNTER;
    this.last = pt > l ? HybridClock.pack(pt, 0) : HybridClock.#next(l, c);
    return this.last;
  }

  /** Receives a remote timestamp; throws ClockSkewError (and does not move) when it is too far ahead. */
  receive(remote, wallMs) {
    const remoteValue = typeof remote === "bigint" ? remote : parseHLC(remote);
    if (remoteValue === null) throw new ProtocolError("malformed_change", "an HLC is 16 lower-case hex digits");
    const pt = BigInt(Math.min(Math.max(0, Math.floor(wallMs)), MAX_WALL_MS));
    const lm = remoteValue >> 16n, cm = remoteValue & COUNTER;
    if (lm - pt > BigInt(this.maxSkewMs)) throw new ClockSkewError(Number(lm - pt));
    const l = this.last >> 16n, c = this.last & COUNTER;
    const top = [l, lm, pt].reduce((a, b) => (b > a ? b : a));
    if (top === l && top === lm) this.last = HybridClock.#next(l, c > cm ? c : cm);
    else if (top === l) this.last = HybridClock.#next(l, c);
    else if (top === lm) this.last = HybridClock.#next(lm, cm);
    else this.last = HybridClock.pack(pt, 0);
    return this.last;
  }
}

// ---- identities (§3): Ed25519, the node id is the raw public key -------------------------------------------------

const PKCS8_SEED_PREFIX = fromHex("302e020100300506032b657004220420");

// Where the browser's WebCrypto lacks Ed25519 (older phones), TweetNaCl from Debian's node-tweetnacl signs and
// verifies instead. Its private key is then bytes in IndexedDB, not a non-extractable key: the fallback is used only
// where there is no other way, and the app says so.
let nacl = null;
let forced = false;

/** Sets TweetNaCl (`nacl`) as the fallback; `force` uses it even where WebCrypto has Ed25519 (tests). */
export function useEd25519Fallback(library, { force = false } = {}) {
  nacl = library;
  forced = force;
}

/** Whether this browser's WebCrypto signs with Ed25519. */
export async function webCryptoHasEd25519() {
  try {
    await subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    return true;
  } catch {
    return false;
  }
}

function useNacl() {
  return nacl !== null && forced;
}

export class Identity {
  constructor(privateKey, publicKey, id) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.id = id;
  }

  /** Whether the private key is the fallback's bytes rather than a non-extractable WebCrypto key. */
  get isFallback() {
    return Boolean(this.privateKey?.naclSecretKey);
  }

  /** A new key pair whose private half never leaves WebCrypto (non-extractable: IndexedDB stores the CryptoKey), or
   * the fallback's where WebCrypto has no Ed25519. */
  static async generate() {
    if (!useNacl()) {
      try {
        const pair = await subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
        return Identity.fromKeys(pair.privateKey, pair.publicKey);
      } catch (error) {
        if (!nacl) throw error;
      }
    }
    const pair = nacl.sign.keyPair.fromSeed(globalThis.crypto.getRandomValues(new Uint8Array(32)));
    return Identity.fromKeys({ naclSecretKey: pair.secretKey }, pair.publicKey);
  }

  static async fromKeys(privateKey, publicKey) {
    if (privateKey?.naclSecretKey) return new Identity(privateKey, publicKey, toHex(publicKey));
    return new Identity(privateKey, publicKey, toHex(new Uint8Array(await subtle.exportKey("raw", publicKey))));
  }

  /** From a 32-byte seed (test vectors, and tools); extractable only long enough to learn the public key. */
  static async fromSeed(seed) {
    if (useNacl()) {
      const pair = nacl.sign.keyPair.fromSeed(seed);
      return Identity.fromKeys({ naclSecretKey: pair.secretKey }, pair.publicKey);
    }
    const der = new Uint8Array(PKCS8_SEED_PREFIX.length + 32);
    der.set(PKCS8_SEED_PREFIX);
    der.set(seed, PKCS8_SEED_PREFIX.length);
    const exportable = await subtle.importKey("pkcs8", der, { name: "Ed25519" }, true, ["sign"]);
    const jwk = await subtle.exportKey("jwk", exportable);
    const raw = Uint8Array.from(atob(jwk.x.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
    const privateKey = await subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
    const publicKey = await subtle.importKey("raw", raw, { name: "Ed25519" }, true, ["verify"]);
    return new Identity(privateKey, publicKey, toHex(raw));
  }

  async sign(bytes) {
    if (this.privateKey?.naclSecretKey) return nacl.sign.detached(bytes, this.privateKey.naclSecretKey);
    return new Uint8Array(await subtle.sign({ name: "Ed25519" }, this.privateKey, bytes));
  }
}

export async function verifySignature(nodeIdHex, signature, bytes) {
  const raw = fromHex(nodeIdHex, 32);
  if (!raw || !signature || signature.length !== 64) return false;
  if (useNacl() || (nacl && !(await webCryptoHasEd25519()))) return nacl.sign.detached.verify(bytes, signature, raw);
  try {
    const key = await subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
    return await subtle.verify({ name: "Ed25519" }, key, signature, bytes);
  } catch {
    return false;  // not a point on the curve
  }
}

// ---- changes (§5) -----------------------------------------------------------------------------------------------

const MEMBERS = ["v", "origin", "seq", "hlc", "collection", "record", "scope", "ops", "prev", "hash", "sig"];
const NAME = { collection: /^[a-z][a-z0-9_.-]{0,63}$/, field: /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, id: /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/ };
export const OFFICE_CODE = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;

/** The canonical body: every member but `hash` and `sig` (§5.3). */
export function canonicalBody(change) {
  const body = {};
  for (const key of Object.keys(change)) if (key !== "hash" && key !== "sig") body[key] = change[key];
  return canonicalJSON(body);
}

export async function changeHash(change) {
  return sha256Hex(utf8.encode(canonicalBody(change)));
}

/** Structural rules of §5.1 and §5.2; throws ProtocolError("malformed_change"). */
export function checkStructure(change) {
  const fail = (why) => {
    throw new ProtocolError("malformed_change", why);
  };
  if (typeof change !== "object" || change === null || Array.isArray(change)) fail("a change is an object");
  for (const key of Object.keys(change)) if (!MEMBERS.includes(key)) fail(`unknown member ${key}`);
  if (change.v !== CHANGE_VERSION) fail(`version ${change.v} (this software speaks ${CHANGE_VERSION})`);
  if (!fromHex(change.origin, 32)) fail("origin is 64 lower-case hex digits");
  if (!Number.isSafeInteger(change.seq) || change.seq < 1) fail("seq is an integer ≥ 1");
  if (parseHLC(change.hlc) === null) fail("hlc is 16 lower-case hex digits");
  if (typeof change.collection !== "string" || !NAME.collection.test(change.collection)) fail("collection name");
  if (typeof change.record !== "string" || !NAME.id.test(change.record)) fail("record id");
  const scope = change.scope;
  if (!Array.isArray(scope) || scope.length < 1 || scope.length > MAX_SCOPE) fail("scope names 1 to 64 offices");
  for (let i = 0; i < scope.length; i++) {
    if (typeof scope[i] !== "string" || !OFFICE_CODE.test(scope[i])) fail("scope holds office codes");
    if (i > 0 && compareBytes(scope[i - 1], scope[i]) >= 0) fail("scope is sorted, without duplicates");
  }
  if (!Array.isArray(change.ops) || change.ops.length < 1 || change.ops.length > MAX_OPS) fail("1 to 1000 operations");
  const set = new Set(), added = new Set();
  for (const op of change.ops) {
    if (typeof op !== "object" || op === null) fail("an operation is an object");
    if (typeof op.field !== "string" || !NAME.field.test(op.field)) fail("field name");
    canonicalJSON(op.value);  // finite, well-formed
    if (op.op === "set") {
      if (Object.keys(op).some((k) => !["op", "field", "value"].includes(k)) || !("value" in op)) fail("set: op, field, value");
      if (set.has(op.field) || added.has(op.field)) fail(`field ${op.field} twice`);
      set.add(op.field);
    } else if (op.op === "add") {
      if (Object.keys(op).some((k) => !["op", "field", "id", "value"].includes(k)) || !("value" in op)) fail("add: op, field, id, value");
      if (typeof op.id !== "string" || !NAME.id.test(op.id)) fail("element id");
      const key = op.field + "\u0000" + op.id;
      if (set.has(op.field) || added.has(key)) fail(`element ${op.field}/${op.id} twice`);
      added.add(op.field);
      added.add(key);
    } else fail(`unknown operation ${op.op}`);
  }
  if (change.seq === 1 ? change.prev !== null : !fromHex(change.prev, 32)) fail("prev is null exactly for seq 1");
  if ("hash" in change && !fromHex(change.hash, 32)) fail("hash is 64 lower-case hex digits");
  if (!fromHex(change.sig, 64)) fail("sig is 128 lower-case hex digits");
}

/** Signs a body (every member but hash and sig): the change with both. */
export async function signChange(body, identity) {
  const hash = await sha256(utf8.encode(canonicalBody(body)));
  return { ...body, hash: toHex(hash), sig: toHex(await identity.sign(hash)) };
}

/** Checks a change as §5.3 orders it — structure, hash, signature — and returns it with its hash. */
export async function verifyChange(change) {
  checkStructure(change);
  const hash = await sha256(utf8.encode(canonicalBody(change)));
  if ("hash" in change && change.hash !== toHex(hash)) throw new ProtocolError("bad_hash", `#${change.seq}: hash does not match`);
  if (!(await verifySignature(change.origin, fromHex(change.sig, 64), hash))) {
    throw new ProtocolError("bad_signature", `#${change.seq} of ${change.origin.slice(0, 8)}: bad signature`);
  }
  return { ...change, hash: toHex(hash) };
}

/** The wire form of a batch (§5.1): every `hash` left out, and every `prev` that the change before names. */
export function compactBatch(changes) {
  return changes.map((change, index) => {
    const out = { ...change };
    delete out.hash;
    const before = changes[index - 1];
    if (before && before.origin === change.origin && before.seq === change.seq - 1 && change.prev === before.hash) delete out.prev;
    return out;
  });
}

/** A batch as received: each left-out `prev` filled in from the change before it, each hash computed. */
export async function expandBatch(changes) {
  const out = [];
  for (const [index, change] of changes.entries()) {
    const filled = { ...change };
    if (!("prev" in filled)) {
      const before = out[index - 1];
      if (!before || before.origin !== filled.origin || before.seq !== filled.seq - 1) {
        throw new ProtocolError("malformed_change", `#${filled.seq}: prev left out without its predecessor before it`);
      }
      filled.prev = before.hash;
    }
    if (!("hash" in filled)) filled.hash = await changeHash(filled);
    out.push(filled);
  }
  return out;
}

// ---- merge (§6) and digest (§7) ---------------------------------------------------------------------------------

function compareVersions(a, b) {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;  // lower-case hex: string order is byte order
  return a.seq - b.seq;
}

/** Replicated state merged from changes: commutative, associative, idempotent. */
export class Replica {
  constructor() {
    this.records = new Map();  // "collection\u0000record" → {collection, record, scope, sv, fields: Map, sets: Map}
    this.seen = new Set();
  }

  /** Merges a verified change; false if it was already merged. */
  apply(change) {
    const key = change.origin + "/" + change.seq;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    const version = { hlc: parseHLC(change.hlc), origin: change.origin, seq: change.seq };
    const id = change.collection + "\u0000" + change.record;
    let record = this.records.get(id);
    if (!record) {
      record = { collection: change.collection, record: change.record, scope: null, sv: null, fields: new Map(), sets: new Map() };
      this.records.set(id, record);
    }
    if (record.sv === null || compareVersions(version, record.sv) > 0) {
      record.scope = change.scope;
      record.sv = version;
    }
    for (const op of change.ops) {
      if (op.op === "set") {
        const held = record.fields.get(op.field);
        if (!held || compareVersions(version, held.version) > 0) record.fields.set(op.field, { version, value: op.value });
      } else {
        const elementKey = op.field + "\u0000" + op.id;
        const held = record.sets.get(elementKey);
        if (!held || compareVersions(version, held.version) < 0) {
          record.sets.set(elementKey, { version, field: op.field, id: op.id, value: op.value });
        }
      }
    }
    return true;
  }

  /** A record as plain JSON: {collection, record, scope, fields, sets: {field: {id: value}}}. */
  get(collection, record) {
    const held = this.records.get(collection + "\u0000" + record);
    if (!held) return null;
    const sets = {};
    for (const element of held.sets.values()) (sets[element.field] ??= {})[element.id] = element.value;
    return {
      collection, record, scope: held.scope, fields: Object.fromEntries([...held.fields].map(([k, v]) => [k, v.value])), sets,
    };
  }

  /** The state digest of `office`'s scope (§7), 64 hex digits. */
  async digest(office) {
    const records = [...this.records.values()]
      .filter((r) => r.scope.includes(office))
      .sort((a, b) => compareBytes(a.collection, b.collection) || compareBytes(a.record, b.record));
    let text = "";
    for (const r of records) {
      text += canonicalJSON(["r", r.collection, r.record, r.scope]) + "\n";
      for (const field of [...r.fields.keys()].sort(compareBytes)) text += canonicalJSON(["f", field, r.fields.get(field).value]) + "\n";
      const elements = [...r.sets.values()].sort((a, b) => compareBytes(a.field, b.field) || compareBytes(a.id, b.id));
      for (const e of elements) text += canonicalJSON(["e", e.field, e.id, e.value]) + "\n";
    }
    return sha256Hex(utf8.encode(text));
  }
}

// ---- request signing (§9) ---------------------------------------------------------------------------------------

export async function signingMessage(method, path, hubId, nonce, wire) {
  return `tambon-request/1\n${method}\n${path}\n${hubId}\n${nonce}\n${await sha256Hex(wire)}`;
}

/** The headers of a signed request whose body on the wire is `wire` (bytes). */
export async function requestHeaders(identity, { method, path, hubId, nonce, wire, nowMs, software = "tambon-survey/1" }) {
  const message = await signingMessage(method, path, hubId, nonce, wire);
  return {
    "Tambon-Protocol": String(PROTOCOL), "Tambon-Software": software, "Tambon-Node": identity.id, "Tambon-Nonce": String(nonce),
    "Tambon-Time": String(nowMs), "Tambon-Signature": toHex(await identity.sign(utf8.encode(message))),
  };
}

// ---- authority (§15) --------------------------------------------------------------------------------------------

export function recordOwner(recordId) {
  const dot = recordId.indexOf(".");
  return dot < 0 ? recordId : recordId.slice(0, dot);
}

/** §15.3, rule by rule: [the rule that decided, null for allowed or the reason code]. `writer` is the enrolment
 * ({node, office, role, revoked_after_seq, legacy_seq}) or null when no roster entry names the origin. */
export function authorityDecide(change, writer, rules) {
  if (!writer || writer.node !== change.origin) return [1, "unknown_writer"];
  if (writer.revoked_after_seq !== null && change.seq > writer.revoked_after_seq) return [2, "revoked_writer"];
  if (writer.role === HUB) return [3, null];
  const scope = change.scope;
  if (change.seq <= writer.legacy_seq) return [4, scope.includes(writer.office) && !scope.includes(HUB) ? null : "not_owner"];
  if (rules.hub_only.includes(change.collection)) return [5, "hub_only"];
  if (scope.includes(HUB)) return [6, "hub_only"];
  const owner = recordOwner(change.record);
  if (owner !== writer.office) return [7, owner === HUB ? "hub_only" : "not_owner"];
  if (!scope.includes(owner)) return [8, "owner_not_in_scope"];
  if (writer.role === "office") return [9, null];
  if (rules.office_node_only.includes(change.collection)) return [10, "office_node_only"];
  const allowance = rules.survey[change.collection];
  if (!allowance) return [10, "survey_not_allowed"];
  for (const op of change.ops) {
    if (op.op !== "add") return [10, "survey_not_allowed"];
    if (allowance.sets.includes(op.field)) continue;
    const event = op.value;
    if (op.field === allowance.event_set && event && typeof event === "object" && !Array.isArray(event) &&
        allowance.field_actions.includes(event.action) && event.role === "surveyor") continue;
    return [10, "survey_not_allowed"];
  }
  return [10, null];
}

/** §15.4: the enrolment a `nodes` record (an entry, or a share `<id>:<k>`) names, or null when it names nobody. */
export function rosterEnrolment(recordId, fields) {
  const seqMark = (value) => (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 2 ** 53 ? value : null);
  const { node, office, role } = fields;
  if (typeof node !== "string" || !/^[0-9a-f]{64}$/.test(node)) return null;
  if (typeof office !== "string" || !OFFICE_CODE.test(office) || office === HUB) return null;
  if (role !== "office" && role !== "survey") return null;
  const share = /^(.*):([1-9][0-9]{0,3})$/.exec(recordId);
  if ((share ? share[1] : recordId) !== office + "." + node) return null;
  const legacy = seqMark("legacy_seq" in fields ? fields.legacy_seq : 0);  // absent is 0; null is malformed
  const revoked = fields.revoked_after_seq ?? null;
  if (legacy === null || (revoked !== null && seqMark(revoked) === null)) return null;
  return { node, office, role, revoked_after_seq: revoked, legacy_seq: legacy };
}
