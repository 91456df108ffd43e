// The app's service worker: the shell from its cache, so the app opens with no network, across reloads and
// restarts. The server writes the app's version into VERSION (a hash of every file), so any change of a file
// installs a new cache; the old one is removed only once the new one is complete. The officer's data is in
// IndexedDB, which this worker never touches: an update loses nothing waiting to sync.
const VERSION = "__TAMBON_APP_VERSION__";
const CACHE = "tambon-survey-" + VERSION;
const SHELL = __TAMBON_APP_FILES__;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((name) => new Request("/survey/" + name, { cache: "reload" })))).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("tambon-survey-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith("/survey/")) return;
  const name = url.pathname === "/survey/" ? "/survey/index.html" : url.pathname;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => (await cache.match(name)) ?? fetch(event.request)),
  );
});
