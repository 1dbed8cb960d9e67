// Wirelab's service worker: after the first visit the app loads and works with no network.
// Network first, so an online visit always gets the newest build; the cache answers when the
// network cannot. It only ever handles requests to its own origin.
const CACHE = 'wirelab-v1';

async function precache() {
  const cache = await caches.open(CACHE);
  const response = await fetch('./', { cache: 'no-cache' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('./', response);
  // Trunk writes hashed asset names into the page as './name' strings.
  const assets = new Set();
  for (const match of html.matchAll(/["'](\.\/[^"'?#\s]+)["']/g)) assets.add(match[1]);
  await Promise.all([...assets].map(async (url) => {
    const r = await fetch(url, { cache: 'no-cache' });
    if (r.ok) await cache.put(url, r);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // Navigations to any page of the app are answered with the app's page when offline.
  const key = request.mode === 'navigate' ? './' : request;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(key, { ignoreSearch: request.mode === 'navigate' });
      if (cached) return cached;
      throw error;
    }
  })());
});
