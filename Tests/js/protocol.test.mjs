// The JavaScript protocol (Sources/TambonSurveyApp/app/protocol.js) against every file in
// sync-protocol/test-vectors, which the Swift store and the Python reference pass too.
//   node --test Tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as P from "../../Sources/TambonSurveyApp/app/protocol.js";

const vectors = (name) => JSON.parse(readFileSync(new URL(`../../sync-protocol/test-vectors/${name}.json`, import.meta.url), "utf8"));
const utf8 = new TextEncoder();

test("canonical JSON: numbers from their IEEE 754 bits, and whole documents", () => {
  const v = vectors("canonical-json");
  for (const number of v.numbers) {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt("0x" + number.ieee754));
    assert.equal(P.canonicalJSON(view.getFloat64(0)), number.canonical, number.ieee754);
  }
  for (const document of v.documents) assert.equal(P.canonicalJSON(JSON.parse(document.input)), document.canonical);
  assert.throws(() => P.canonicalJSON(NaN), P.ProtocolError);
  assert.throws(() => P.canonicalJSON("\ud800"), P.ProtocolError, "a lone surrogate");
  assert.equal(P.canonicalJSON({ "\ufb33": 1, "\ud83d\ude00": 2 }), '{"\ud83d\ude00":2,"\ufb33":1}', "UTF-16 order, not code points");
});

test("changes: canonical body, hash and signature by the fixed keys, both ways", async () => {
  const v = vectors("changes");
  const identities = new Map();
  for (const key of v.keys) {
    const identity = await P.Identity.fromSeed(P.fromHex(key.seed, 32));
    assert.equal(identity.id, key.node_id);
    identities.set(key.node_id, identity);
  }
  for (const item of v.changes) {
    assert.equal(P.canonicalBody(item.change), item.canonical);
    assert.equal(await P.changeHash(item.change), item.hash);
    const signed = await P.signChange(item.change, identities.get(item.change.origin));
    assert.equal(signed.sig, item.sig, "Ed25519 is deterministic: the same signature as the vector's");
    const verified = await P.verifyChange({ ...item.change, hash: item.hash, sig: item.sig });
    assert.equal(verified.hash, item.hash);
    const { hash: _, ...unhashed } = { ...item.change, sig: item.sig };
    assert.equal((await P.verifyChange(unhashed)).hash, item.hash, "a change without its hash (the wire form) is hashed again");
    await assert.rejects(P.verifyChange({ ...unhashed, record: unhashed.record + "x" }), (e) => e.code === "bad_signature");
    await assert.rejects(P.verifyChange({ ...unhashed, hash: item.hash, seq: unhashed.seq + 1, prev: "00".repeat(32) }), (e) => e.code === "bad_hash");
  }
});

test("the hybrid logical clock: ticks, receives, the skew bound and counter overflow", () => {
  const v = vectors("hlc");
  const clock = new P.HybridClock(0n, v.max_skew_ms);
  for (const step of v.steps) {
    if (step.op === "tick") {
      assert.equal(P.formatHLC(clock.tick(step.wall_ms)), step.expect);
    } else if (step.expect === null) {
      const before = clock.last;
      assert.throws(() => clock.receive(step.remote, step.wall_ms), (e) => e instanceof P.ClockSkewError && e.skewMs === step.refused_skew_ms);
      assert.equal(clock.last, before, "a refused timestamp does not move the clock");
    } else {
      assert.equal(P.formatHLC(clock.receive(step.remote, step.wall_ms)), step.expect);
    }
  }
  const overflow = new P.HybridClock(P.parseHLC(v.overflow.start), v.max_skew_ms);
  for (const expected of v.overflow.expect) assert.equal(P.formatHLC(overflow.tick(v.overflow.wall_ms)), expected);
});

test("merge: any order, duplicates included, gives the expected records and digests", async () => {
  const v = vectors("merge");
  const orders = [v.changes, [...v.changes].reverse(), [...v.changes, ...v.changes]];
  let seed = 7;
  const shuffled = [...v.changes];
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  orders.push(shuffled);
  for (const order of orders) {
    const replica = new P.Replica();
    for (const change of order) replica.apply(await P.verifyChange(change));
    for (const expected of v.expected_records) assert.deepEqual(replica.get(expected.collection, expected.record), expected);
    for (const [office, digest] of Object.entries(v.expected_digests)) assert.equal(await replica.digest(office), digest, office);
  }
});

test("requests: the signing message and the signature for a fixed key", async () => {
  const v = vectors("requests");
  const identity = await P.Identity.fromSeed(P.fromHex(v.node_seed, 32));
  assert.equal(identity.id, v.node_id);
  for (const request of v.requests) {
    const wire = utf8.encode(request.body);
    assert.equal(await P.signingMessage(request.method, request.path, v.hub_id, request.nonce, wire), request.signing_message);
    const headers = await P.requestHeaders(identity, { method: request.method, path: request.path, hubId: v.hub_id, nonce: request.nonce, wire, nowMs: 0 });
    assert.equal(headers["Tambon-Signature"], request.signature);
    assert.equal(headers["Tambon-Node"], v.node_id);
  }
});

test("authority: every decision, and every roster record", () => {
  const v = vectors("authority");
  for (const vector of v.vectors) {
    assert.deepEqual(P.authorityDecide(vector.change, vector.writer, v.rules), [vector.rule, vector.expect], vector.name);
  }
  for (const entry of v.roster) assert.deepEqual(P.rosterEnrolment(entry.record, entry.fields), entry.expect, entry.name);
});

test("the batch wire form leaves out hashes and derivable prevs, and gets them back", async () => {
  const identity = await P.Identity.fromSeed(new Uint8Array(32).fill(9));
  const clock = new P.HybridClock();
  const chain = [];
  for (let seq = 1; seq <= 3; seq++) {
    chain.push(await P.signChange({
      v: 1, origin: identity.id, seq, hlc: P.formatHLC(clock.tick(1795000000000)), collection: "applications",
      record: "6500101.K7M2Q9XA", scope: ["6500101"], ops: [{ op: "set", field: "n", value: seq }], prev: seq === 1 ? null : chain[seq - 2].hash,
    }, identity));
  }
  const wire = P.compactBatch(chain);
  assert.ok(wire.every((c) => !("hash" in c)) && "prev" in wire[0] && !("prev" in wire[1]) && !("prev" in wire[2]));
  const back = await P.expandBatch(JSON.parse(JSON.stringify(wire)));
  assert.deepEqual(back, chain);
  for (const change of back) await P.verifyChange(change);
  const forged = JSON.parse(JSON.stringify(wire));
  forged[1].ops[0].value = 99;  // the derived prev of #3 changes, and both signatures fail
  const expanded = await P.expandBatch(forged);
  await assert.rejects(P.verifyChange(expanded[1]), (e) => e.code === "bad_signature");
  await assert.rejects(P.verifyChange(expanded[2]), (e) => e.code === "bad_signature");
  await assert.rejects(P.expandBatch([wire[1]]), (e) => e.code === "malformed_change", "a prev left out with no predecessor");
});

// The same vectors through the fallback for browsers without Ed25519 in WebCrypto: TweetNaCl as Debian packages it.
const tweetnacl = "/usr/share/nodejs/tweetnacl/nacl-fast.js";
test("the Ed25519 fallback (Debian's TweetNaCl) signs and verifies the vectors alike", { skip: !existsSync(tweetnacl) && "node-tweetnacl is not installed" }, async () => {
  P.useEd25519Fallback(createRequire(import.meta.url)(tweetnacl), { force: true });
  try {
    const v = vectors("changes");
    for (const key of v.keys) assert.equal((await P.Identity.fromSeed(P.fromHex(key.seed, 32))).id, key.node_id);
    for (const item of v.changes) {
      const key = v.keys.find((k) => k.node_id === item.change.origin);
      const identity = await P.Identity.fromSeed(P.fromHex(key.seed, 32));
      assert.ok(identity.isFallback);
      assert.equal((await P.signChange(item.change, identity)).sig, item.sig);
      await P.verifyChange({ ...item.change, hash: item.hash, sig: item.sig });
      const { hash: _, ...unhashed } = { ...item.change, sig: item.sig };
      await assert.rejects(P.verifyChange({ ...unhashed, record: unhashed.record + "x" }), (e) => e.code === "bad_signature");
    }
    const r = vectors("requests");
    const identity = await P.Identity.fromSeed(P.fromHex(r.node_seed, 32));
    for (const request of r.requests) {
      const headers = await P.requestHeaders(identity, { method: request.method, path: request.path, hubId: r.hub_id, nonce: request.nonce, wire: utf8.encode(request.body), nowMs: 0 });
      assert.equal(headers["Tambon-Signature"], request.signature);
    }
    const fresh = await P.Identity.generate();
    assert.ok(fresh.isFallback && fresh.id.length === 64);
  } finally {
    P.useEd25519Fallback(null);
  }
});
