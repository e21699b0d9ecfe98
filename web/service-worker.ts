// The page's service worker (served as /sw.js): keeps the app shell — the page, its script,
// style and icon, and Socket.IO's client — so that a reload while the server is unreachable
// still shows the page, which then shows what it last knew (./rooms/page-snapshot.ts). Network
// first: online, every load gets the server's current files (and refreshes the copies);
// only a failed fetch is answered from the cache. Nothing else (Socket.IO's own traffic,
// the admin API) is touched.

/** The parts of the service worker global scope used here (the DOM library has no types for it). */
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}

const worker = self as unknown as WorkerScope;
const CACHE = 'parley-shell-v1';
const SHELL = ['/', '/app.js', '/style.css', '/favicon.svg', '/socket.io/socket.io.js'];

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const key = url.pathname === '/index.html' ? '/' : url.pathname;
  if (event.request.method !== 'GET' || url.origin !== worker.location.origin || !SHELL.includes(key)) return;
  event.respondWith(
    fetch(event.request).then(
      (response) => {
        if (response.ok) {
          const copy = response.clone();
          void caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      },
      async () => (await caches.match(key)) ?? Response.error(),
    ),
  );
});
