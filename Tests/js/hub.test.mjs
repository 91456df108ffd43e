// The JavaScript node against a real hub (`tambon hub serve`, Swift): it enrols as a survey node with a token,
// pulls what a Swift office node wrote and verifies every signature (Swift → JS), holds the same digest as the hub,
// pushes changes it signed that the hub and then the office node accept (JS → Swift), and is refused what the
// authority rules refuse. Needs TAMBON_BIN (a built `tambon`); scripts/test sets it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as P from "../../Sources/TambonSurveyApp/app/protocol.js";
import { HubConnection, HubError } from "../../Sources/TambonSurveyApp/app/sync.js";

const bin = process.env.TAMBON_BIN;
const root = mkdtempSync(join(tmpdir(), "tambon-js-"));
const tambon = (...args) => execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
let hub, url, ca;

/** fetch over node:https trusting only the hub's CA (the pin of §9), as far as HubConnection needs it. */
function pinnedFetch(caPEM) {
  return (target, init = {}) =>
    new Promise((resolve, reject) => {
      const request = httpsRequest(target, { method: init.method ?? "GET", headers: init.headers ?? {}, ca: caPEM }, (response) => {
        const parts = [];
        response.on("data", (part) => parts.push(part));
        response.on("end", () => {
          const body = Buffer.concat(parts);
          resolve({
            status: response.statusCode, ok: response.statusCode >= 200 && response.statusCode < 300,
            headers: { get: (name) => response.headers[name.toLowerCase()] ?? null },
            arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.length),
          });
        });
      });
      request.on("error", reject);
      if (init.body) request.write(init.body);
      request.end();
    });
}

function counter() {
  let last = 0;
  return { next: async () => ++last, atLeast: async (n) => { last = Math.max(last, n); } };
}

before(async () => {
  assert.ok(bin, "TAMBON_BIN names a built tambon");
  tambon("hub", "init", "--data", join(root, "hub"));
  hub = spawn(bin, ["hub", "serve", "--data", join(root, "hub"), "--listen", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
  url = await new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error("the hub did not start: " + log)), 20000);
    hub.stderr.on("data", (part) => {
      log += part;
      const found = /address=(https:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (found) { clearTimeout(timer); resolve(found[1]); }
    });
  });
  ca = readFileSync(join(root, "hub", "hub-ca.pem"), "utf8");
});

after(() => {
  hub?.kill();
  rmSync(root, { recursive: true, force: true });
});

test("a JavaScript survey node and Swift nodes, through a real hub", async () => {
  // The hub serves the app's files as they are in the repository.
  const served = await pinnedFetch(ca)(url + "/survey/protocol.js");
  assert.equal(served.status, 200);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), readFileSync(new URL("../../Sources/TambonSurveyApp/app/protocol.js", import.meta.url)));

  // The office node (Swift) writes an application and syncs it.
  const office = join(root, "office");
  tambon("node", "init", "--data", office, "--office", "6500101");
  tambon("node", "join", "--data", office, "--hub", url, "--token", tambon("hub", "token", "--data", join(root, "hub"), "--office", "6500101"), "--ca", join(root, "hub", "hub-ca.pem"));
  const application = "6500101.K7M2Q9XA";
  tambon("records", "put", "--data", office, "applications", application, "status=\"inspection\"", "applicant=\"นางสาวมาลี ดีใจ\"");
  tambon("node", "sync", "--data", office);

  // The phone: a key pair whose private half WebCrypto never lets out, enrolled with a survey token.
  const identity = await P.Identity.generate();
  const connection = new HubConnection({ baseURL: url, identity, nonces: counter(), fetch: pinnedFetch(ca) });
  const token = tambon("hub", "token", "--data", join(root, "hub"), "--office", "6500101", "--role", "survey");
  const enrolled = await connection.enrol(token, "6500101", "โทรศัพท์ช่างสำรวจ");
  assert.equal(enrolled.role, "survey");
  assert.equal(enrolled.office, "6500101");
  await assert.rejects(new HubConnection({ baseURL: url, identity: await P.Identity.generate(), nonces: counter(), fetch: pinnedFetch(ca) }).enrol(token, "6500101", "x"),
    (e) => e instanceof HubError && e.code === "used_token", "a token enrols once");

  // Pull: every change Swift signed verifies here, and the merged state's digest is the hub's.
  const replica = new P.Replica();
  let cursor = 0, more = true;
  while (more) {
    const page = await connection.pull(cursor, 2);
    for (const change of page.changes) replica.apply(await P.verifyChange(change));
    ({ cursor, more } = page);
  }
  assert.equal(replica.get("applications", application)?.fields.applicant, "นางสาวมาลี ดีใจ");
  assert.equal(await replica.digest("6500101"), tambon("records", "digest", "--data", join(root, "hub"), "--scope", "6500101"));

  // Push: an inspection event the survey role may add, signed here; the hub accepts it.
  const clock = new P.HybridClock();
  const body = (seq, prev, ops) => ({
    v: 1, origin: identity.id, seq, hlc: P.formatHLC(clock.tick(Date.now())), collection: "applications", record: application,
    scope: ["6500101"], ops, prev,
  });
  const inspection = { action: "record-inspection", role: "surveyor", by: "chai", lat: 18.76061, lon: 98.93604, accuracy_m: 4.5, result: "pass" };
  const first = await P.signChange(body(1, null, [{ op: "add", field: "events", id: "ev-phone-1", value: inspection }]), identity);
  const second = await P.signChange(body(2, first.hash, [{ op: "add", field: "events", id: "ev-phone-2", value: { ...inspection, notes: "ถ่ายรูปเพิ่ม" } }]), identity);
  const pushed = await connection.push([first, second]);
  assert.equal(pushed.accepted_seq, 2);
  assert.equal(pushed.applied, 2);
  assert.equal((await connection.push([first, second])).duplicates, 2, "sent again: duplicates, nothing twice");

  // Swift accepts what JavaScript signed: the office node pulls it and holds the events.
  tambon("node", "sync", "--data", office);
  const held = JSON.parse(tambon("records", "get", "--data", office, "applications", application));
  assert.equal(held.events?.["ev-phone-1"]?.result, "pass");
  assert.equal(held.events?.["ev-phone-2"]?.notes, "ถ่ายรูปเพิ่ม");

  // The authority rules: a survey phone may not approve (set the status); refused with its reason, held inert.
  const approve = await P.signChange(body(3, second.hash, [{ op: "set", field: "status", value: "approved" }]), identity);
  const refused = await connection.push([approve]);
  assert.equal(refused.status, 403);
  assert.equal(refused.refused?.[0]?.reason, "survey_not_allowed");
  tambon("node", "sync", "--data", office);
  assert.notEqual(JSON.parse(tambon("records", "get", "--data", office, "applications", application)).status, "approved");

  // A change altered after signing is refused whole, before anything applies.
  const forged = { ...(await P.signChange(body(4, approve.hash, [{ op: "add", field: "attachments", id: "x", value: 1 }]), identity)) };
  forged.ops = [{ op: "add", field: "attachments", id: "x", value: 2 }];
  await assert.rejects(connection.push([forged]), (e) => e instanceof HubError && e.status === 422 && e.code === "bad_signature");
});

/** Starts `tambon <args>` and resolves with the address it logs (address=…). */
function serve(args) {
  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`${args.slice(0, 2).join(" ")} did not start: ${log}`)), 20000);
    child.stderr.on("data", (part) => {
      log += part;
      const found = /address=(https?:\/\/[^\s"]+)/.exec(log);
      if (found) { clearTimeout(timer); resolve({ child, url: found[1] }); }
    });
  });
}

/** A staff or citizen client of `tambon node serve`'s JSON API (plain HTTP on loopback). */
function web(base) {
  let cookie = "", csrf = "";
  return {
    async login(username, password) {
      const response = await fetch(base + "/api/v1/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password }) });
      assert.equal(response.status, 200, `login ${username}`);
      cookie = response.headers.get("set-cookie").split(";")[0];
      csrf = (await response.json()).csrf_token;
    },
    async post(path, body) {
      const response = await fetch(base + path, { method: "POST", headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    },
  };
}

test("a phone holds its officer's assigned inspections and nothing else of the office", async () => {
  const office = join(root, "office2"), hubDir = join(root, "hub");
  tambon("node", "init", "--data", office, "--office", "6500102");
  tambon("node", "join", "--data", office, "--hub", url, "--token", tambon("hub", "token", "--data", hubDir, "--office", "6500102"), "--ca", join(hubDir, "hub-ca.pem"));
  for (const [name, role] of [["somsri", "officer"], ["chai", "surveyor"], ["dang", "surveyor"]]) {
    execFileSync(bin, ["node", "user", "add", "--data", office, "--name", name, "--role", role, "--password-stdin"], { input: `password of ${name}\n` });
  }
  const server = await serve(["node", "serve", "--data", office, "--listen", "127.0.0.1:0"]);
  try {
    const citizen = web(server.url), officer = web(server.url);
    await officer.login("somsri", "password of somsri");
    const ids = [];
    for (const [index, assignee] of ["chai", "chai", "dang", null].entries()) {
      const filed = await citizen.post("/api/v1/applications", {
        service: "building-permit",
        applicant: { name: `ผู้ยื่น ${index}`, national_id: "3100600445635", phone: "0812345678", address: `${index} หมู่ 1 ต.สุเทพ` },
        details: { land_title: { type: "chanote", number: `45${index}` }, building_use: "residence", storeys: 1, floor_area_m2: 90, location: { lat: 18.79, lon: 98.95 } },
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      ids.push(filed.body.id);
      assert.equal((await officer.post(`/api/v1/applications/${filed.body.id}/actions`, { action: "accept" })).status, 200);
      if (assignee) assert.equal((await officer.post(`/api/v1/applications/${filed.body.id}/actions`, { action: "assign-inspection", assignee })).status, 200);
    }
    tambon("node", "sync", "--data", office);

    // Chai's phone, enrolled with a token bound to chai.
    const identity = await P.Identity.generate();
    const phone = new HubConnection({ baseURL: url, identity, nonces: counter(), fetch: pinnedFetch(ca) });
    const enrolled = await phone.enrol(tambon("hub", "token", "--data", hubDir, "--office", "6500102", "--role", "survey", "--officer", "chai"), "6500102", "โทรศัพท์ของชัย");
    assert.equal(enrolled.role, "survey");
    await assert.rejects(phone.pull(0), (e) => e instanceof HubError && e.status === 403 && e.code === "phone_pulls_assigned", "never the office's feed");

    const work = await phone.assigned({});
    assert.deepEqual([...work.assigned].sort(), [ids[0], ids[1]].sort(), "chai's two, not dang's, not the unassigned one");
    assert.ok(work.changes.every((c) => c.collection === "applications" && work.assigned.includes(c.record)), "nothing else of the office");
    const replica = new P.Replica();
    for (const change of work.changes) replica.apply(await P.verifyChange(change));
    assert.equal(replica.get("applications", ids[0]).fields.applicant.name, "ผู้ยื่น 0", "what the inspection needs: the applicant");
    const have = Object.fromEntries(work.assigned.map((id) => [id, work.changes.filter((c) => c.record === id).length]));
    assert.equal((await phone.assigned(have)).changes.length, 0, "held whole: nothing sent again");

    // The inspection of the first, recorded on the phone and accepted: it leaves chai's list.
    const stamp = P.formatHLC(new P.HybridClock().tick(Date.now()));
    const inspection = await P.signChange({
      v: 1, origin: identity.id, seq: 1, hlc: stamp, collection: "applications", record: ids[0], scope: ["6500102"],
      ops: [{ op: "add", field: "events", id: "ev-phone-1", value: { action: "record-inspection", role: "surveyor", actor: "chai", at: stamp,
        payload: { inspection: { lat: 18.7901, lon: 98.9502, accuracy_m: 6, result: "pass", notes: "ตรงตามแบบ" } } } }],
      prev: null,
    }, identity);
    assert.equal((await phone.push([inspection])).accepted_seq, 1);
    // Dang's inspection moves to chai at the office.
    assert.equal((await officer.post(`/api/v1/applications/${ids[2]}/actions`, { action: "assign-inspection", assignee: "chai" })).status, 200);
    tambon("node", "sync", "--data", office);
    const after = await phone.assigned(have);
    assert.deepEqual([...after.assigned].sort(), [ids[1], ids[2]].sort(), "the inspected one gone, the reassigned one come");
    assert.ok(after.changes.length > 0 && after.changes.every((c) => c.record === ids[2]), "only the new one's history is sent");
  } finally {
    server.child.kill();
  }
});

test("a photo upload cut half-way resumes, sending again at most the chunk in flight", async () => {
  const hubDir = join(root, "hub");
  const identity = await P.Identity.generate();
  let puts = 0, bytesSent = 0, cutAt = 2;
  const pinned = pinnedFetch(ca);
  // The link drops the answer to the second chunk: the hub stored it, the phone never heard.
  const flaky = async (target, init) => {
    if (String(target).includes("/v1/blobs/put/")) {
      puts += 1;
      bytesSent += init.body.length;
      const response = await pinned(target, init);
      if (puts === cutAt) throw new TypeError("the connection was cut");
      return response;
    }
    return pinned(target, init);
  };
  const phone = new HubConnection({ baseURL: url, identity, nonces: counter(), fetch: flaky });
  await phone.enrol(tambon("hub", "token", "--data", hubDir, "--office", "6500101", "--role", "survey"), "6500101", "โทรศัพท์ทดสอบ");
  const photo = new Uint8Array(600 * 1024);
  photo.set([0xff, 0xd8, 0xff, 0xe0]);
  for (let i = 4; i < photo.length; i++) photo[i] = (i * 31) & 0xff;
  const sha256 = await P.sha256Hex(photo);
  const stamp = P.formatHLC(new P.HybridClock().tick(Date.now()));
  const reference = await P.signChange({
    v: 1, origin: identity.id, seq: 1, hlc: stamp, collection: "applications", record: "6500101.PHOTO001", scope: ["6500101"],
    ops: [{ op: "add", field: "attachments", id: sha256, value: { sha256, size: photo.length, type: "image/jpeg", name: "site.jpg", kind: "photo" } }],
    prev: null,
  }, identity);
  assert.equal((await phone.push([reference])).accepted_seq, 1);

  const chunk = 256 * 1024;
  await assert.rejects(phone.upload(sha256, photo, { chunkBytes: chunk }), (e) => e instanceof HubError && e.status === 0, "the cut");
  assert.equal(bytesSent, 2 * chunk);
  const resumed = await phone.upload(sha256, photo, { chunkBytes: chunk });
  assert.equal(resumed, photo.length - 2 * chunk, "only what the hub did not hold");
  assert.ok(bytesSent <= photo.length + chunk, `${bytesSent} bytes sent for ${photo.length}: at most one chunk again`);
  assert.equal((await phone.blobsHave([{ sha256, size: photo.length }])).get(sha256), photo.length, "the hub holds it whole");
});
