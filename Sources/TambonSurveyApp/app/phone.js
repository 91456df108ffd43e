// The phone as a node (no DOM here): its identity and enrolment, its own signed change log, the assigned work the
// hub sends, photos and their resumable upload, and a sync round with the state the screen shows. Everything is
// kept in IndexedDB (db.js) before anything is shown as saved.
import * as P from "./protocol.js";
import { HubConnection } from "./sync.js";
import { openDatabase, transact, done } from "./db.js";

const utf8 = new TextEncoder();
export const CHUNK_BYTES = 256 * 1024;
/** A pin worse than this needs the officer's confirmation (configurable on the settings screen). */
export const DEFAULT_ACCURACY_LIMIT_M = 50;

export class Phone {
  constructor(db, meta, options = {}) {
    this.db = db;
    this.meta = meta;
    this.baseURL = options.baseURL ?? "";
    this.fetch = options.fetch;
    this.now = options.now ?? (() => Date.now());
  }

  static async open(options = {}) {
    // Older phones' browsers lack Ed25519 in WebCrypto: TweetNaCl (Debian's node-tweetnacl, served beside the app).
    if (!(await P.webCryptoHasEd25519())) {
      try {
        await import("/survey/vendor/nacl-fast.min.js");
        P.useEd25519Fallback(globalThis.nacl);
      } catch {
        // Without either, enrolment says so.
      }
    }
    const db = await openDatabase(options.databaseName);
    const meta = await transact(db, ["meta"], "readonly", async ({ meta }) => {
      const keys = await done(meta.getAllKeys());
      const values = await done(meta.getAll());
      return Object.fromEntries(keys.map((key, index) => [key, values[index]]));
    });
    const phone = new Phone(db, meta, options);
    if (meta.identity) phone.identity = await P.Identity.fromKeys(meta.identity.privateKey, meta.identity.publicKey);
    return phone;
  }

  get enrolled() {
    return Boolean(this.meta.link && this.identity);
  }

  async #setMeta(values) {
    await transact(this.db, ["meta"], "readwrite", async ({ meta }) => {
      for (const [key, value] of Object.entries(values)) meta.put(value, key);
    });
    Object.assign(this.meta, values);
  }

  /** The request counter (§9), kept in the database: never reused, whatever the hub answered. */
  get nonces() {
    const db = this.db, self = this;
    return {
      async next() {
        return transact(db, ["meta"], "readwrite", async ({ meta }) => {
          const next = ((await done(meta.get("nonce"))) ?? 0) + 1;
          meta.put(next, "nonce");
          self.meta.nonce = next;
          return next;
        });
      },
      async atLeast(value) {
        await transact(db, ["meta"], "readwrite", async ({ meta }) => {
          if (((await done(meta.get("nonce"))) ?? 0) < value) meta.put(value, "nonce");
        });
      },
    };
  }

  connection() {
    return new HubConnection({
      baseURL: this.meta.link?.url || this.baseURL, identity: this.identity, hubId: this.meta.link?.hub ?? null, nonces: this.nonces,
      ...(this.fetch ? { fetch: this.fetch } : {}),
    });
  }

  /** Enrols with a token (from the office's QR code or typed): a new key pair, then the hub's answer kept. `hubURL`
   * is the hub's address when the app was opened from elsewhere (an office node); empty, the app's own origin. */
  async enrol(token, office, name, hubURL = "") {
    if (this.enrolled) throw new Error("this phone is already enrolled");
    const url = hubURL.replace(/\/+$/, "");
    if (url && !/^https:\/\/[A-Za-z0-9.:-]+$/.test(url)) throw new Error("the hub's address is https://host[:port]");
    const identity = await P.Identity.generate();
    this.identity = identity;
    await this.#setMeta({ identity: { privateKey: identity.privateKey, publicKey: identity.publicKey, id: identity.id } });
    const connection = this.connection();
    if (url) connection.baseURL = url;
    const answer = await connection.enrol(token.trim(), office.trim(), name);
    await this.#setMeta({
      link: { hub: answer.hub, url: url || null, office: answer.office, role: answer.role, enrolledMs: this.now() }, officer: answer.officer ?? null,
    });
    return answer;
  }

  // ---- the phone's own log ----

  async ownChanges() {
    return transact(this.db, ["own"], "readonly", async ({ own }) => done(own.getAll()));
  }

  /** Signs and stores one change to `record` (an application) of the phone's office. Seq, prev and the clock are
   * read, the change signed outside the database (WebCrypto is asynchronous), then written only if nothing else
   * wrote meanwhile. */
  async write(record, ops, extra = {}) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const head = await transact(this.db, ["meta"], "readonly", async ({ meta }) => ({
        seq: (await done(meta.get("seq"))) ?? 0, hash: (await done(meta.get("head"))) ?? null, clock: (await done(meta.get("clock"))) ?? "0000000000000000",
      }));
      const clock = new P.HybridClock(P.parseHLC(head.clock));
      const hlc = P.formatHLC(clock.tick(this.now()));
      const body = {
        v: 1, origin: this.identity.id, seq: head.seq + 1, hlc, collection: "applications", record, scope: [this.meta.link.office],
        ops: typeof ops === "function" ? ops(hlc) : ops, prev: head.seq === 0 ? null : head.hash,
      };
      P.checkStructure({ ...body, sig: "00".repeat(64) });
      const change = await P.signChange(body, this.identity);
      const written = await transact(this.db, ["meta", "own", "photos"], "readwrite", async ({ meta, own, photos }) => {
        if (((await done(meta.get("seq"))) ?? 0) !== head.seq) return false;
        own.put({ seq: change.seq, change, record, writtenMs: this.now() });
        meta.put(change.seq, "seq");
        meta.put(change.hash, "head");
        meta.put(hlc, "clock");
        for (const photo of extra.photos ?? []) photos.put(photo);
        return true;
      });
      if (written) {
        Object.assign(this.meta, { seq: change.seq, head: change.hash, clock: hlc });
        return change;
      }
    }
    throw new Error("the phone's log is busy; try again");
  }

  /** Records an inspection: the device's position and the pin (moved by hand or not), each with its accuracy,
   * the result and notes, and photos (already downscaled Blobs), in one change and one database transaction. */
  async recordInspection(application, { device, pin, result, notes, photos = [] }) {
    const stored = [];
    for (const [index, blob] of photos.entries()) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const sha256 = await P.sha256Hex(bytes);
      // The same picture twice is one file (a set element per file).
      if (!stored.some((photo) => photo.sha256 === sha256)) {
        stored.push({ sha256, blob, size: bytes.length, type: blob.type || "image/jpeg", name: `photo-${index + 1}.jpg`, application, sent: 0 });
      }
    }
    const officer = this.meta.officer ?? this.meta.link?.officer ?? "surveyor";
    return this.write(application, (hlc) => [
      {
        op: "add", field: "events", id: `ev-${hlc}-${this.identity.id.slice(0, 8)}`,
        value: {
          action: "record-inspection", role: "surveyor", actor: officer, at: hlc,
          payload: {
            inspection: {
              lat: pin.lat, lon: pin.lon, accuracy_m: Math.round(pin.accuracy * 10) / 10, result, notes,
              device: { lat: device.lat, lon: device.lon, accuracy_m: Math.round(device.accuracy * 10) / 10 }, moved: Boolean(pin.moved),
            },
          },
        },
      },
      ...stored.map((photo) => ({
        op: "add", field: "attachments", id: photo.sha256,
        value: { sha256: photo.sha256, size: photo.size, type: photo.type, name: photo.name, kind: "photo", by: officer, at: hlc },
      })),
    ], { photos: stored });
  }

  // ---- assigned work ----

  async remoteChanges() {
    return transact(this.db, ["remote"], "readonly", async ({ remote }) => done(remote.getAll()));
  }

  /** The assigned applications, merged from what the hub sent and the phone's own changes, as plain records. */
  async assignments() {
    const replica = new P.Replica();
    for (const item of await this.remoteChanges()) replica.apply(item.change);
    for (const item of await this.ownChanges()) replica.apply(item.change);
    return (this.meta.assigned ?? []).map((id) => replica.get("applications", id)).filter(Boolean);
  }

  // ---- sync ----

  /** What the screen shows: changes waiting, the oldest one's age, the last sync, photos still uploading. */
  async state() {
    const accepted = this.meta.accepted ?? 0;
    const waiting = (await this.ownChanges()).filter((item) => item.seq > accepted);
    const photos = await transact(this.db, ["photos"], "readonly", async ({ photos }) => done(photos.getAll()));
    return {
      waiting: waiting.length, oldestWaitingMs: waiting.length ? this.now() - Math.min(...waiting.map((w) => w.writtenMs)) : 0,
      lastSyncMs: this.meta.lastSync ?? null, photosUploading: photos.filter((p) => p.sent < p.size).length,
      lastError: this.meta.lastError ?? null,
    };
  }

  /** One round: push what waits, upload photos (resuming), fetch the assigned work, drop what is done. */
  async sync() {
    const connection = this.connection();
    try {
      const accepted = this.meta.accepted ?? 0;
      const pending = (await this.ownChanges()).filter((item) => item.seq > accepted).map((item) => item.change);
      if (pending.length) {
        const answer = await connection.push(pending);
        await this.#setMeta({ accepted: answer.accepted_seq });
      }
      await this.#uploadPhotos(connection);
      // What the phone holds of each record's history at the hub: what the hub sent, and its own accepted changes.
      const have = {};
      for (const item of await this.remoteChanges()) have[item.record] = (have[item.record] ?? 0) + 1;
      for (const item of await this.ownChanges()) if (item.seq <= (this.meta.accepted ?? 0)) have[item.record] = (have[item.record] ?? 0) + 1;
      const work = await connection.assigned(have);
      const verified = [];
      for (const change of work.changes) verified.push(await P.verifyChange(change));
      await this.#keep(verified, work.assigned, work.accepted_seq);
      await this.#setMeta({ lastSync: this.now(), lastError: null, officer: work.officer });
    } catch (error) {
      await this.#setMeta({ lastError: error.code ?? error.message });
      throw error;
    }
  }

  /** Stores the hub's changes and list; drops records no longer assigned whose own changes all reached the hub. */
  async #keep(changes, assigned, acceptedSeq) {
    const own = await this.ownChanges();
    await transact(this.db, ["remote", "meta", "own", "photos"], "readwrite", async ({ remote, meta, own: ownStore, photos }) => {
      for (const change of changes) remote.put({ key: `${change.origin}/${change.seq}`, record: change.record, change });
      meta.put(assigned, "assigned");
      meta.put(acceptedSeq, "accepted");
      const keys = await done(remote.getAll());
      for (const item of keys) {
        if (assigned.includes(item.record)) continue;
        const unsynced = own.some((o) => o.record === item.record && o.seq > acceptedSeq);
        if (!unsynced) remote.delete(item.key);
      }
      for (const item of own) if (!assigned.includes(item.record) && item.seq <= acceptedSeq) ownStore.delete(item.seq);
      for (const photo of await done(photos.getAll())) if (!assigned.includes(photo.application) && photo.sent >= photo.size) photos.delete(photo.sha256);
    });
    Object.assign(this.meta, { assigned, accepted: acceptedSeq });
  }

  async #uploadPhotos(connection) {
    const photos = await transact(this.db, ["photos"], "readonly", async ({ photos }) => done(photos.getAll()));
    const unsent = photos.filter((photo) => photo.sent < photo.size);
    if (!unsent.length) return;
    for (const photo of unsent) {
      const bytes = new Uint8Array(await photo.blob.arrayBuffer());
      await connection.upload(photo.sha256, bytes, {
        chunkBytes: CHUNK_BYTES,
        progress: (offset) => transact(this.db, ["photos"], "readwrite", async ({ photos: store }) => {
          const held = await done(store.get(photo.sha256));
          if (held) store.put({ ...held, sent: offset });
        }),
      });
    }
  }
}

/** A photo downscaled on the phone: at most `edge` pixels on its long side, JPEG, stepped down in quality until it
 * is about `target` bytes. */
export async function downscale(file, { edge = 1600, target = 300_000 } = {}) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close?.();
  let quality = 0.85, blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
  while (blob.size > target && quality > 0.4) {
    quality -= 0.1;
    blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
  }
  return blob;
}

export { utf8 };
