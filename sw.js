// Wirelab's service worker: after the first visit every lab loads and works with no network,
// including labs never opened before.
//
// The build writes FILES (every file of the site, each lab page's folder as 'name/') and
// VERSION (a hash of them all). On install, once the visited page has loaded, it fetches the
// whole site into a cache named after the version: the visited page downloaded only its own
// code, and the rest arrives in the background for offline use.
//
// Pages are network first, so an online visit always gets the newest build; the wasm, JS and
// CSS have content hashes in their names, so a cached copy is always right and is used first,
// which makes moving between labs instant. It only ever handles requests to its own origin.
const FILES = [];
const VERSION = 'dev';
const CACHE = 'wirelab-' + VERSION;
const HASHED = /-[0-9a-f]{16}(_bg)?\.(wasm|js|css)$/;

async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all(FILES.map(async (file) => {
    const url = new URL(file, self.registration.scope).href;
    if (await cache.match(url)) return;
    const response = await fetch(url, { cache: 'no-cache' });
    if (response.ok) await cache.put(url, response);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith('wirelab-') && key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

// A page's cache key: its folder, whatever the file name or query ('tcp/index.html?x' is 'tcp/').
function pageKey(url) {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/index\.html$/, '');
  return u.href;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    if (HASHED.test(url.pathname)) {
      const cached = await cache.match(request);
      if (cached) return cached;
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    }
    const key = request.mode === 'navigate' ? pageKey(request.url) : request;
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(key);
      if (cached) return cached;
      throw error;
    }
  })());
});
