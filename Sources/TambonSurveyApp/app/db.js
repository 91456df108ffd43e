// The phone's storage: IndexedDB, plain (no wrapper library), one database whose stores only ever gain fields and
// indexes. An update of the app never deletes a store: what the officer recorded and has not synced, and the work
// assigned, stay across updates, reloads and restarts.
//
// Stores:
//   meta     key → value: the identity (CryptoKeys, the private one non-extractable), the hub link, the nonce
//            counter, the clock's high-water mark, the last seq written, the hub's accepted seq, the last sync.
//   own      seq → {seq, change, record, writtenMs}: this phone's change log, signed, in seq order.
//   remote   "origin/seq" → {key, record, change}: changes of the assigned applications as the hub sent them.
//   photos   sha256 → {sha256, blob, size, type, name, application, sent}: photos and how much of each reached the hub.

const NAME = "tambon-survey";
const VERSION = 1;

export function openDatabase(name = NAME) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      // Version 1. Later versions add; they never delete a store holding the officer's work.
      if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
      if (!db.objectStoreNames.contains("own")) db.createObjectStore("own", { keyPath: "seq" });
      if (!db.objectStoreNames.contains("remote")) db.createObjectStore("remote", { keyPath: "key" }).createIndex("record", "record");
      if (!db.objectStoreNames.contains("photos")) db.createObjectStore("photos", { keyPath: "sha256" }).createIndex("application", "application");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("another tab holds an older version of the app's database open"));
  });
}

/** Runs `body(stores)` in one transaction over `names`; resolves with its result once the transaction commits. */
export function transact(db, names, mode, body) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode, { durability: "strict" });
    const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
    let result;
    Promise.resolve()
      .then(() => body(stores))
      .then((value) => { result = value; }, (error) => { tx.abort(); reject(error); });
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("the transaction was aborted"));
  });
}

/** A request's result as a promise (inside a transaction's body). */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
