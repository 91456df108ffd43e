// The phone's side of SPEC §9–§11 over fetch: signed requests (gzip above 512 bytes), hello, enrolment, push and
// pull. Everything the hub answers is checked by the caller's store (protocol.js verifies changes); this file
// moves bytes and signs them. Works in the browser (the app's own origin is the hub) and in Node (tests pass a
// fetch that pins the hub's CA).
import * as P from "./protocol.js";

const utf8 = new TextEncoder();

export class HubError extends Error {
  /** `status` 0 means no answer (the link is down or was cut). */
  constructor(status, code, message, body = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

async function gzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A connection to the hub for one node identity. `nonces` persists the request counter (§9): `next()` gives a
 * number greater than any used before, `atLeast(n)` moves it past `n`. */
export class HubConnection {
  constructor({ baseURL = "", identity, hubId = null, nonces, fetch = globalThis.fetch.bind(globalThis), software = "tambon-survey/1" }) {
    this.baseURL = baseURL;
    this.identity = identity;
    this.hubId = hubId;
    this.nonces = nonces;
    this.fetch = fetch;
    this.software = software;
    /** The last skew measured against the hub's clock (ms, ours minus the hub's), or null. */
    this.skewMs = null;
  }

  async #send(path, init) {
    let response;
    try {
      // A link that hangs is a cut link: give up after a minute, so the next round can start.
      response = await this.fetch(this.baseURL + path, { ...init, signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw new HubError(0, "unreachable", `the hub did not answer: ${error.message ?? error}`);
    }
    const text = new TextDecoder().decode(await response.arrayBuffer());
    let body = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new HubError(response.status, "malformed_answer", `the hub's answer is not JSON (${response.status})`);
    }
    return { response, body };
  }

  /** `GET /v1/hello`: the hub's id and protocol (unauthenticated). */
  async hello() {
    const { response, body } = await this.#send("/v1/hello", { method: "GET" });
    if (!response.ok || !P.fromHex(body.hub, 32)) throw new HubError(response.status, body.error ?? "bad_hello", "the hub did not say who it is");
    if (body.protocol !== P.PROTOCOL) throw new HubError(426, "unsupported_protocol", `the hub speaks protocol ${body.protocol}, this app ${P.PROTOCOL}`);
    return body;
  }

  /** A signed POST of `members` (JSON); the answer's members, or a HubError. A refused nonce is moved past the
   * hub's and the request sent once more. */
  async request(path, members) {
    const json = utf8.encode(JSON.stringify(members));
    const compressed = json.length > 512;
    const wire = compressed ? await gzip(json) : json;
    const headers = { "Content-Type": "application/json" };
    if (compressed) headers["Content-Encoding"] = "gzip";
    return this.signed(path, wire, headers);
  }

  /** A signed POST of the bytes `wire` with `extra` headers (a file's chunk, or an encoded JSON body). */
  async signed(path, wire, extra, { retried = false } = {}) {
    if (!this.hubId) this.hubId = (await this.hello()).hub;
    const nonce = await this.nonces.next();
    const started = Date.now();
    const headers = await P.requestHeaders(this.identity, { method: "POST", path, hubId: this.hubId, nonce, wire, nowMs: started, software: this.software });
    Object.assign(headers, extra);
    const { response, body } = await this.#send(path, { method: "POST", headers, body: wire });
    const hubTime = Number(response.headers.get("Tambon-Hub-Time"));
    if (Number.isFinite(hubTime) && hubTime > 0) this.skewMs = Math.round((started + Date.now()) / 2 - hubTime);
    if (response.status === 401 && body.error === "replayed_request" && Number.isSafeInteger(body.last_nonce) && !retried) {
      await this.nonces.atLeast(body.last_nonce);
      return this.signed(path, wire, extra, { retried: true });
    }
    if (!response.ok && !(response.status === 403 && Array.isArray(body.refused))) {
      throw new HubError(response.status, body.error ?? "http_" + response.status, body.message, body);
    }
    return { status: response.status, ...body };
  }

  /** `POST /v1/enrol` with a one-time token (§10): {hub, office, role, protocol}. */
  async enrol(token, office, name) {
    const hello = await this.hello();
    this.hubId = hello.hub;
    return this.request("/v1/enrol", { token, office, name, protocol: P.PROTOCOL });
  }

  /** `POST /v1/push` of this node's changes in seq order, in the batch wire form. A 403 with `refused` is an
   * answer, not an error: the rest applied (§11). */
  async push(changes) {
    return this.request("/v1/push", { protocol: P.PROTOCOL, changes: P.compactBatch(changes) });
  }

  /** `POST /v1/assigned` (§11a): the officer's assigned applications. `have` maps each record id the phone holds
   * to how many of its changes it holds; records held whole are not sent again. Answers {assigned (record ids),
   * changes (prev and hash filled in, not yet verified), officer, accepted_seq}. */
  async assigned(have = {}) {
    const answer = await this.request("/v1/assigned", { protocol: P.PROTOCOL, have });
    if (!Array.isArray(answer.assigned) || !Array.isArray(answer.changes) || !answer.assigned.every((id) => typeof id === "string")) {
      throw new HubError(200, "malformed_answer", "an assigned-work answer without its list or changes");
    }
    return { ...answer, changes: await P.expandBatch(answer.changes) };
  }

  /** `POST /v1/blobs/have` (§14): how many bytes of each file the hub holds from this node, as a Map. */
  async blobsHave(blobs) {
    const answer = await this.request("/v1/blobs/have", { protocol: P.PROTOCOL, blobs });
    const held = new Map();
    for (const item of answer.blobs ?? []) {
      if (typeof item.sha256 === "string" && Number.isSafeInteger(item.received) && item.received >= 0) held.set(item.sha256, item.received);
    }
    return held;
  }

  /** `POST /v1/blobs/put/{sha256}/{size}/{offset}`: one chunk; answers how many bytes the hub now holds. A cut
   * upload resumes from there, so at most the chunk in flight is sent again. */
  async blobsPut(sha256, size, offset, chunk) {
    const answer = await this.signed(`/v1/blobs/put/${sha256}/${size}/${offset}`, chunk, {
      "Content-Type": "application/octet-stream", "Tambon-Chunk-SHA256": await P.sha256Hex(chunk),
    });
    if (!Number.isSafeInteger(answer.received) || answer.received < offset || answer.received > size) {
      throw new HubError(200, "malformed_answer", "a chunk's answer without a sensible `received`");
    }
    return answer.received;
  }

  /** Uploads the file `bytes` (its `sha256`) in chunks of at most `chunkBytes`, from what the hub already holds of
   * it from this node: after a cut, only the chunk that was in flight is sent again. `progress(sent)` is called
   * after each chunk the hub took (the phone stores it). Answers the bytes sent in this call. */
  async upload(sha256, bytes, { chunkBytes = 256 * 1024, progress = async () => {} } = {}) {
    const held = (await this.blobsHave([{ sha256, size: bytes.length }])).get(sha256) ?? 0;
    if (held >= bytes.length) await progress(bytes.length);  // the hub holds it whole already
    let offset = held, sent = 0;
    while (offset < bytes.length) {
      const chunk = bytes.slice(offset, Math.min(offset + chunkBytes, bytes.length));
      sent += chunk.length;
      offset = await this.blobsPut(sha256, bytes.length, offset, chunk);
      await progress(offset);
    }
    return sent;
  }

  /** `POST /v1/pull` after `cursor`: {changes (prev and hash filled in, not yet verified), cursor, more,
   * accepted_seq}. */
  async pull(cursor, limit = 500) {
    const page = await this.request("/v1/pull", { protocol: P.PROTOCOL, after: cursor, limit });
    if (!Array.isArray(page.changes) || !Number.isSafeInteger(page.cursor) || page.cursor < 0) {
      throw new HubError(200, "malformed_answer", "a pull page without changes or cursor");
    }
    return { ...page, changes: await P.expandBatch(page.changes) };
  }
}
