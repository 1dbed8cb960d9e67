// The caching lab's RFC 9111 core against an independent, widely used implementation:
// http-cache-semantics (npm), on random header sets from `cargo run -p wirelab-core --example
// cache_cases`. For each case both decide: may the response be stored; its freshness lifetime
// as usable without revalidation; its age at a later time; fresh or stale then; and whether a
// later GET is answered from the cache without asking the origin.
//
// Where http-cache-semantics departs from RFC 9111 on purpose or by simplification, the check
// expects its answer, not ours, and says which rule differs (DEPARTURES below). Any other
// disagreement fails the check with the case printed.
//
// usage: node tests/cache_interop.mjs [count] [seed]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const CachePolicy = require('http-cache-semantics');
const ROOT = new URL('..', import.meta.url).pathname;
const DELTA_MAX = 2147483648;

const [count = '4000', seed = '9111'] = process.argv.slice(2);
const out = execFileSync('cargo', ['run', '--quiet', '-p', 'wirelab-core', '--example', 'cache_cases', '--', count, seed], { cwd: ROOT, maxBuffer: 1 << 28 }).toString();
const cases = out.trim().split('\n').map((line) => JSON.parse(line));

const has = (cc, name) => (cc || '').split(',').some((d) => d.trim().split('=')[0] === name);
const DEFAULT_CACHEABLE = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

// Each departure: a name, the RFC rule, and when it applies.
const DEPARTURES = {
  privateAllows: 'RFC 9111 §3: "private" lets a private cache store any understood status; http-cache-semantics requires other explicit freshness or a status cacheable by default',
  proxyRevalidate: 'RFC 9111 §5.2.2.8: proxy-revalidate only forbids serving stale; http-cache-semantics gives a shared cache a lifetime of 0',
  mustRevalidateFresh: 'RFC 9111 §5.2.2.2: must-revalidate applies once stale; http-cache-semantics revalidates even a fresh response',
  revalidateStale: 'RFC 9111 §5.2.2.8 and §5.2.2.10: proxy-revalidate, and s-maxage (which implies it), forbid a shared cache to serve a stale response; http-cache-semantics serves it when the request says max-stale',
  noCacheStale: 'RFC 9111 §5.2.2.4: a response marked no-cache is never used without validation, even for a request that accepts stale ones; http-cache-semantics serves it when the request says max-stale',
  immutableReload: 'RFC 8246 §2: a browser does not revalidate a fresh immutable response on a reload (request max-age); http-cache-semantics does',
  maxStaleBoundary: 'RFC 9111 §5.2.1.2: max-stale=N accepts staleness of no more than N; http-cache-semantics requires less than N',
  minFreshStale: 'RFC 9111 §5.2.1.3 applies min-fresh to fresh responses; http-cache-semantics also refuses a stale one the request accepts with max-stale',
};

const counts = Object.fromEntries(Object.keys(DEPARTURES).map((k) => [k, 0]));
let compared = 0;
const failures = [];

for (const c of cases) {
  const shared = c.shared;
  const policyAt = (now) => {
    const p = new CachePolicy({ method: c.method, url: '/r', headers: c.request }, { status: c.status, headers: c.response }, { shared, immutableMinTimeToLive: 0 });
    p._responseTime = c.t0 * 1000;
    p.now = () => now * 1000;
    return p;
  };
  const policy = policyAt(c.now);
  const resCC = c.response['cache-control'];
  const check = (what, theirs, ours, note) => {
    compared++;
    if (theirs !== ours) failures.push({ what, theirs, ours, note, case: c });
  };

  // Storable.
  let expected = c.core.storable;
  const onlyPrivate = !shared && has(resCC, 'private') && !has(resCC, 'public') && !has(resCC, 'max-age') && !c.response.expires && !DEFAULT_CACHEABLE.has(c.status);
  if (c.core.storable && onlyPrivate) {
    expected = false;
    counts.privateAllows++;
  }
  check('storable', policy.storable(), expected);
  if (!c.core.storable || !policy.storable()) continue;

  // Lifetime usable without revalidation (no-cache: none).
  let lifetime = c.core.no_cache ? 0 : c.core.lifetime;
  if (shared && has(resCC, 'proxy-revalidate') && lifetime !== 0) {
    lifetime = 0;
    counts.proxyRevalidate++;
  }
  check('lifetime', Math.min(Math.floor(policy.maxAge()), DELTA_MAX), lifetime, c.core.rule);
  check('age', Math.floor(policy.age()), c.core.age);
  check('stale', policy.stale(), !(lifetime > c.core.age));

  // A later GET: answered without asking the origin?
  const again = { method: 'GET', url: '/r', headers: c.again };
  let served = c.core.served_without_revalidation;
  const reqCC = c.again['cache-control'] || '';
  const staleBy = c.core.age - c.core.lifetime;
  const maxStale = /max-stale(=(\d+))?/.exec(reqCC);
  // Whether http-cache-semantics lets max-stale serve this response stale, by its own rule.
  const acceptsStale = !!maxStale && c.method === 'GET' && !has(resCC, 'must-revalidate') && !/max-age|no-cache/.test(reqCC) && !c.again.pragma && policy._varyMatches(again)
      && (maxStale[2] === undefined || Number(maxStale[2]) > c.core.age - policy.maxAge());
  if (c.core.reuse_reason.includes('immutable') && served) {
    served = false;
    counts.immutableReload++;
  } else if (has(resCC, 'must-revalidate') && served) {
    served = false;
    counts.mustRevalidateFresh++;
  } else if (shared && has(resCC, 'proxy-revalidate') && served) {
    served = acceptsStale;
    counts[served ? 'revalidateStale' : 'proxyRevalidate']++;
  } else if (!served && acceptsStale && (c.core.no_cache || (shared && (has(resCC, 's-maxage') || has(resCC, 'proxy-revalidate'))))) {
    served = true;
    counts[c.core.no_cache ? 'noCacheStale' : 'revalidateStale']++;
  } else if (served && c.core.reuse === 'StaleAccepted' && maxStale && maxStale[2] !== undefined && Number(maxStale[2]) === staleBy) {
    served = false;
    counts.maxStaleBoundary++;
  }
  if (/min-fresh/.test(reqCC) && /max-stale/.test(reqCC)) {
    counts.minFreshStale++;
    continue;
  }
  check('served without revalidation', policy.satisfiesWithoutRevalidation(again), served, c.core.reuse);
}

for (const f of failures.slice(0, 5)) {
  console.log(`MISMATCH ${f.what}: http-cache-semantics ${f.theirs}, Wirelab ${f.ours} (${f.note ?? ''})`);
  console.log(JSON.stringify(f.case));
}
console.log(`${cases.length} random cases, ${compared} decisions compared with http-cache-semantics`);
for (const [k, n] of Object.entries(counts)) if (n) console.log(`  expected its answer ${n} times where it departs from the RFC: ${DEPARTURES[k]}`);
console.log(`${compared - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
