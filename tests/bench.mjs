// Benchmark: builds are measured, never asserted. Prints a table and writes bench-results.json.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, ready, DIST, ROOT } from './harness.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const kb = (n) => (n / 1024).toFixed(1) + ' KiB';
// Budgets are in kB (1,000 bytes), the stricter reading.
const kB = (n) => (n / 1000).toFixed(1) + ' kB';
const ms = (n) => n.toFixed(1) + ' ms';

// The size budgets of each route: what a browser transfers (gzip) to open it (issue 9).
const ROUTES = [
  { name: 'home', path: '', ready: '[data-testid=home]', budget: 120 },
  { name: 'tcp', path: 'tcp/', ready: '[data-testid=step]', budget: 250 },
  { name: 'ratelimit', path: 'ratelimit/', ready: '[data-testid=chart]', budget: 250 },
  { name: 'dns', path: 'dns/', ready: '[data-testid=step]', budget: 250 },
  { name: 'jwt', path: 'jwt/', ready: '[data-testid=step]', budget: 400 },
  // Not in issue 9's list (the lab came after it): RSA, P-256, X25519 and three record ciphers,
  // like the JWT lab's share of cryptography.
  { name: 'tls', path: 'tls/', ready: '[data-testid=step]', budget: 400 },
  // Not in issue 9's list either: RSA and P-256 for the tokens, like the JWT lab.
  { name: 'oauth', path: 'oauth/', ready: '[data-testid=step]', budget: 400 },
  { name: 'cache', path: 'cache/', ready: '[data-testid=step]', budget: 250 },
  // Not in issue 9's list either: its journey runs the DNS, TCP and TLS cores in one trace, so
  // the TLS lab's budget.
  { name: 'http', path: 'http/', ready: '[data-testid=step]', budget: 400 },
  // Not in issue 9's list either: no cryptography yet, so the caching lab's target.
  { name: 'cookies', path: 'cookies/', ready: '[data-testid=step]', budget: 250 },
];

/** Raw and gzip bytes of every file of the built site, by kind. */
function sizes() {
  const out = {};
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) { walk(file); continue; }
      const ext = path.extname(file).slice(1);
      if (!['wasm', 'js', 'css', 'html'].includes(ext)) continue;
      const bytes = fs.readFileSync(file);
      const item = out[ext] ||= { raw: 0, gzip: 0 };
      item.raw += bytes.length;
      item.gzip += zlib.gzipSync(bytes, { level: 9 }).length;
    }
  };
  walk(DIST);
  return out;
}

/** Opens a route as a first visit (no service worker, empty cache) and returns what the
 * browser transferred for it (encoded bodies and headers), by kind, and the time from
 * navigation until the route is interactive. */
async function visit(browser, base, route, throttle) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 170, downloadThroughput: (9e6 / 8), uploadThroughput: (1.5e6 / 8),
    });
  }
  const requests = [];
  page.on('requestfinished', (r) => requests.push(r));
  await page.goto(base + route.path, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    (selector) => document.querySelector(selector) && performance.now(), route.ready, { polling: 'raf', timeout: 60000 });
  const interactive = await handle.jsonValue();
  await page.waitForLoadState('networkidle');
  const transfer = { total: 0, files: [] };
  for (const r of requests) {
    const s = await r.sizes();
    const bytes = s.responseBodySize + s.responseHeadersSize;
    const ext = path.extname(new URL(r.url()).pathname).slice(1) || 'html';
    transfer[ext] = (transfer[ext] || 0) + bytes;
    transfer.total += bytes;
    transfer.files.push(new URL(r.url()).pathname.slice(new URL(base).pathname.length) || './');
  }
  await context.close();
  return { interactive, transfer };
}

/** Per route: transfer (the same on every visit), and the median time to interactive. */
async function routes(browser, base) {
  const out = {};
  for (const route of ROUTES) {
    const fast = [], slow = [];
    let transfer;
    for (let i = 0; i < 5; i++) {
      const v = await visit(browser, base, route, false);
      fast.push(v.interactive);
      transfer = v.transfer;
    }
    for (let i = 0; i < 3; i++) slow.push((await visit(browser, base, route, true)).interactive);
    out[route.name] = { transfer, budget_kb: route.budget, unthrottled_ms: median(fast), throttled_4g_ms: median(slow) };
  }
  return out;
}

/** Time from an action until the DOM under `selector` changes, in the page's own clock. */
async function reaction(page, selector, action, runs) {
  return page.evaluate(async ({ selector, action, runs }) => {
    // The page's CSP forbids eval, so actions are named, not passed as code.
    const actions = {
      step: (i) => document.querySelector(i % 2 ? '[data-testid=prev]' : '[data-testid=next]').click(),
      slider: (i) => {
        const el = document.querySelector('[data-testid=slider-limit]');
        el.value = String(150 + (i % 2) * 60 + i);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      dnsEdit: (i) => {
        const el = document.querySelector('[data-testid=input-auth_ms]');
        el.value = String(20 + i + 1);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      oauthEdit: (i) => {
        const el = document.querySelector('[data-testid=input-callback_delay_s]');
        // A new delay each time (under the code's 60 s): the whole flow re-runs, and the
        // summary's sign-in time changes.
        el.value = String(1 + (i % 50));
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      cacheEdit: (i) => {
        const el = document.querySelector('[data-testid=input-path]');
        // A longer path each time: every request re-runs through both caches (the application
        // model, with its own inputs unchanged, does not); the summary's body bytes change.
        el.value = `/a${'x'.repeat(i + 1)}.css`;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      journeyEdit: (i) => {
        const el = document.querySelector('[data-testid=input-journey_rtt_ms]');
        // A new RTT each time: DNS, TCP and TLS (key exchange, chain, records) all re-run.
        el.value = String(100 + i + 1);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      cookiesEdit: (i) => {
        const el = document.querySelector('[data-testid=input-jar_events]');
        // A new value for the preference cookie each time: every event re-runs through the
        // jar, and the summary's Cookie headers change.
        el.value = el.value.replace(/theme=[a-z0-9]*/, `theme=v${i + 1}`);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      waterfallEdit: (i) => {
        const el = document.querySelector('[data-testid=input-waterfall_rtt_ms]');
        el.value = String(80 + i + 1);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      cacheAppSlider: (i) => {
        const el = document.querySelector('[data-testid=slider-app_db_ms]');
        // A new database latency each time: the application model re-runs every request, and
        // the chart (its label gives the peak latency) and the table are redrawn.
        el.value = String(100 + i * 3);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      edit: (i) => {
        const el = document.querySelector('[data-testid=input-rtt_ms]');
        // Always a new value, so each edit changes the scenario.
        el.value = String(200 + i * 7);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
    };
    const target = document.querySelector(selector);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const changed = new Promise((resolve, reject) => {
        const o = new MutationObserver(() => { o.disconnect(); resolve(performance.now()); });
        o.observe(target, { subtree: true, childList: true, characterData: true, attributes: true });
        setTimeout(() => { o.disconnect(); reject(new Error(`no change under ${selector} after ${action}`)); }, 10000);
      });
      const t0 = performance.now();
      actions[action](i);
      times.push((await changed) - t0);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }, { selector, action, runs });
}

const server = await serve();
const browser = await launch();
try {
  const size = sizes();
  const perRoute = await routes(browser, server.base);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.base + 'tcp/');
  await ready(page);
  await page.waitForSelector('[data-testid=step]');
  const step = await reaction(page, '[data-testid=position]', 'step', 21);
  const rerun = await reaction(page, '[data-testid=summary]', 'edit', 11);
  await page.selectOption('[data-testid=preset]', 'slow-start');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=step]').length > 50);
  const bigSteps = await page.locator('[data-testid=step]').count();
  const rerunBig = await reaction(page, '[data-testid=summary]', 'edit', 7);
  await context.close();

  // Rate limiter: a million requests through each model in the page's wasm.
  const rl = await browser.newContext();
  const rlPage = await rl.newPage();
  await rlPage.goto(server.base + 'ratelimit/');
  await ready(rlPage);
  await rlPage.waitForSelector('[data-testid=chart]');
  const models = ['token_bucket', 'leaky_queue', 'leaky_meter', 'fixed_window', 'sliding_log', 'sliding_counter', 'gcra'];
  const perSecond = {};
  for (let m = 0; m < models.length; m++) {
    const times = [];
    for (let k = 0; k < 3; k++) times.push(await rlPage.evaluate((m) => window.wasmBindings.bench_ratelimit(m, 1000000), m));
    perSecond[models[m]] = Math.round(1e6 / (median(times) / 1000));
  }
  await rlPage.selectOption('[data-testid=preset]', 'heavy');
  await rlPage.waitForFunction(() => Number(document.querySelector('[data-testid=position]').innerText.split('/ ')[1]) > 9000);
  const heavyRequests = Number((await rlPage.locator('[data-testid=position]').innerText()).split('/ ')[1]);
  const sliderRedraw = await reaction(rlPage, '[data-testid=timeline]', 'slider', 9);
  await rl.close();

  // DNS: re-run the cold lookup after an edit and redraw its timeline; the wire codec's rate.
  const dns = await browser.newContext();
  const dnsPage = await dns.newPage();
  await dnsPage.goto(server.base + 'dns/');
  await ready(dnsPage);
  await dnsPage.waitForSelector('[data-testid=step]');
  // The editor's form is fetched when it is first opened (src/lazy_editor.rs).
  await dnsPage.click('[data-testid=editor-summary]');
  await dnsPage.waitForSelector('[data-testid=input-auth_ms]');
  const dnsRerun = await reaction(dnsPage, '[data-testid=timeline]', 'dnsEdit', 11);
  const wire = {};
  for (const [name, decode] of [['encode', false], ['decode', true]]) {
    const times = [];
    for (let k = 0; k < 3; k++) times.push(await dnsPage.evaluate((d) => window.wasmBindings.bench_dns_wire(d, 200000), decode));
    wire[name] = Math.round(200000 / (median(times) / 1000));
  }
  await dnsPage.selectOption('[data-testid=preset]', 'tour');
  await dnsPage.waitForFunction(() => document.querySelectorAll('[data-testid=step]').length > 60);
  const tourSteps = await dnsPage.locator('[data-testid=step]').count();
  const dnsRerunTour = await reaction(dnsPage, '[data-testid=timeline]', 'dnsEdit', 7);
  await dnsPage.selectOption('[data-testid=preset]', 'dnssec');
  await dnsPage.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('validated (AD)'));
  const dnssecRerun = await reaction(dnsPage, '[data-testid=timeline]', 'dnsEdit', 7);
  await dns.close();

  // JWT: operations per second in the page's wasm, and the dictionary attack's rate.
  // Without the service worker, so the page's own requests (jose's files) can be routed.
  // TLS: an edit re-runs the whole connection (key shares, chain made and checked, every record
  // sealed) and redraws it.
  const tlsContext = await browser.newContext({ serviceWorkers: 'block' });
  const tlsPage = await tlsContext.newPage();
  await tlsPage.goto(server.base + 'tls/');
  await ready(tlsPage);
  await tlsPage.waitForSelector('[data-testid=step]');
  const tlsRerun = await reaction(tlsPage, '[data-testid=summary]', 'edit', 11);
  const tlsSteps = await tlsPage.locator('[data-testid=step]').count();
  await tlsContext.close();

  // OAuth: an edit re-runs the whole sign-in (codes, PKCE, RSA-signed tokens, every HTTP
  // message and check) and redraws it.
  const oauthContext = await browser.newContext({ serviceWorkers: 'block' });
  const oauthPage = await oauthContext.newPage();
  await oauthPage.goto(server.base + 'oauth/');
  await ready(oauthPage);
  await oauthPage.waitForSelector('[data-testid=step]');
  await oauthPage.click('[data-testid=editor-summary]');
  const oauthRerun = await reaction(oauthPage, '[data-testid=summary]', 'oauthEdit', 11);
  const oauthSteps = await oauthPage.locator('[data-testid=step]').count();
  await oauthContext.close();

  // Caching: an edit re-runs every request through the browser caches and the CDN and redraws
  // the trace and the stored-responses panel.
  const cacheContext = await browser.newContext({ serviceWorkers: 'block' });
  const cachePage = await cacheContext.newPage();
  await cachePage.goto(server.base + 'cache/');
  await ready(cachePage);
  await cachePage.waitForSelector('[data-testid=step]');
  await cachePage.click('[data-testid=editor-summary]');
  const cacheRerun = await reaction(cachePage, '[data-testid=summary]', 'cacheEdit', 11);
  const cacheSteps = await cachePage.locator('[data-testid=step]').count();
  // The application model under the stampede preset (one hot key, a read about every
  // millisecond): a slider re-runs it and redraws its chart and table.
  await cachePage.selectOption('[data-testid=app-preset]', 'stampede');
  await cachePage.waitForFunction(() => document.querySelector('[data-testid=app-summary]').innerText.includes('reads,'));
  const appRequests = Number((await cachePage.locator('[data-testid=app-summary]').innerText()).match(/(\d+) reads,/)[1]);
  const cacheAppSlider = await reaction(cachePage, '[data-testid=app-chart]', 'cacheAppSlider', 11);
  await cacheContext.close();

  // HTTP: the journey re-runs the DNS, TCP and TLS cores on an edit; the waterfall re-runs its
  // model over every request and redraws the chart.
  const httpContext = await browser.newContext({ serviceWorkers: 'block' });
  const httpPage = await httpContext.newPage();
  await httpPage.goto(server.base + 'http/');
  await ready(httpPage);
  await httpPage.waitForSelector('[data-testid=step]');
  await httpPage.click('[data-testid=editor-summary]');
  const journeyRerun = await reaction(httpPage, '[data-testid=summary]', 'journeyEdit', 11);
  const journeySteps = await httpPage.locator('[data-testid=step]').count();
  await httpPage.selectOption('[data-testid=preset]', 'waterfall-loss');
  await httpPage.waitForSelector('[data-testid=waterfall-row]');
  // The panel is drawn anew on each change, so the observer watches the page's main column.
  const waterfallRerun = await reaction(httpPage, '.lab-main', 'waterfallEdit', 11);
  await httpContext.close();

  const cookiesContext = await browser.newContext({ serviceWorkers: 'block' });
  const cookiesPage = await cookiesContext.newPage();
  await cookiesPage.goto(server.base + 'cookies/');
  await ready(cookiesPage);
  await cookiesPage.waitForSelector('[data-testid=step]');
  await cookiesPage.click('[data-testid=editor-summary]');
  const cookiesRerun = await reaction(cookiesPage, '[data-testid=summary]', 'cookiesEdit', 11);
  const cookiesSteps = await cookiesPage.locator('[data-testid=step]').count();
  await cookiesContext.close();

  const jwtContext = await browser.newContext({ serviceWorkers: 'block' });
  const jwtPage = await jwtContext.newPage();
  await jwtPage.goto(server.base + 'jwt/');
  await ready(jwtPage);
  await jwtPage.waitForSelector('[data-testid=step]');
  const jwtOps = {};
  for (const [name, op, n] of [['hs256_sign', 0, 20000], ['hs256_verify', 1, 20000], ['rs256_verify', 2, 300], ['es256_verify', 3, 200], ['dictionary_candidates', 4, 12000]]) {
    const times = [];
    for (let k = 0; k < 3; k++) times.push(await jwtPage.evaluate(([op, n]) => window.wasmBindings.bench_jwt(op, n), [op, n]));
    jwtOps[name] = Math.round(n / (median(times) / 1000));
  }
  // The same operations in jose (npm), which uses the browser's WebCrypto, in the same page.
  // Its files are served from this origin for the benchmark only.
  const joseDir = path.join(ROOT, 'tests/node_modules/jose/dist/webapi');
  await jwtPage.route(`${server.base}__bench/jose/**`, (route) => {
    const rel = new URL(route.request().url()).pathname.split('/__bench/jose/')[1];
    route.fulfill({ path: path.join(joseDir, rel), contentType: 'text/javascript' });
  });
  const vectors = JSON.parse(fs.readFileSync(path.join(ROOT, 'core/tests/vectors/rfc7515_jws.json'), 'utf8'));
  const joseOps = await jwtPage.evaluate(async ({ base, rsa, ec }) => {
    const jose = await import(base + '__bench/jose/index.js');
    const enc = new TextEncoder();
    const payload = enc.encode('{"sub":"bench"}');
    const secret = new Uint8Array(32).fill(0x42);
    const rsaPriv = await jose.importJWK({ ...rsa, alg: 'RS256' }, 'RS256');
    const rsaPub = await jose.importJWK({ kty: 'RSA', n: rsa.n, e: rsa.e }, 'RS256');
    const ecPriv = await jose.importJWK({ ...ec }, 'ES256');
    const ecPub = await jose.importJWK({ kty: 'EC', crv: 'P-256', x: ec.x, y: ec.y }, 'ES256');
    const rate = async (n, f) => { const t0 = performance.now(); for (let i = 0; i < n; i++) await f(); return Math.round(n / ((performance.now() - t0) / 1000)); };
    const sign = (alg, key) => new jose.CompactSign(payload).setProtectedHeader({ alg }).sign(key);
    const hs = await sign('HS256', secret);
    const rs = await sign('RS256', rsaPriv);
    const es = await sign('ES256', ecPriv);
    return {
      hs256_sign: await rate(5000, () => sign('HS256', secret)),
      hs256_verify: await rate(5000, () => jose.compactVerify(hs, secret)),
      rs256_verify: await rate(1000, () => jose.compactVerify(rs, rsaPub)),
      es256_verify: await rate(1000, () => jose.compactVerify(es, ecPub)),
    };
  }, { base: server.base, rsa: vectors.a_2_1.jwk, ec: vectors.a_3_1.jwk });

  // RSA-2048 generation: its time, and the longest main-thread task while it runs.
  await jwtPage.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask', buffered: false });
  });
  await jwtPage.click('[data-testid=keytools] summary');
  await jwtPage.selectOption('[data-testid=key-kind]', 'RSA-2048');
  const keygen = [];
  for (let k = 0; k < 5; k++) {
    await jwtPage.click('[data-testid=key-generate]');
    await jwtPage.waitForFunction((n) => document.querySelector('[data-testid=key-status]').dataset.count === String(n), k + 1, { timeout: 60000 });
    keygen.push(Number((await jwtPage.locator('[data-testid=key-status]').innerText()).match(/generated in (\d+) ms/)[1]));
  }
  const longestTask = await jwtPage.evaluate(() => window.__longest);
  await jwtContext.close();

  const results = {
    date: new Date().toISOString(),
    bytes: size,
    routes: perRoute,
    advance_one_step_ms: step,
    rerun_after_edit_ms: { basic: rerun, slow_start: rerunBig, slow_start_steps: bigSteps },
    ratelimit: { requests_per_second_1m: perSecond, slider_to_redraw_ms: sliderRedraw, slider_requests: heavyRequests },
    dns: { cold_rerun_after_edit_ms: dnsRerun, tour_rerun_after_edit_ms: dnsRerunTour, tour_steps: tourSteps, dnssec_rerun_after_edit_ms: dnssecRerun, wire_messages_per_second: wire },
    tls: { rerun_after_edit_ms: tlsRerun, steps: tlsSteps },
    oauth: { rerun_after_edit_ms: oauthRerun, steps: oauthSteps },
    cache: { rerun_after_edit_ms: cacheRerun, steps: cacheSteps, app_slider_to_redraw_ms: cacheAppSlider, app_requests: appRequests },
    cookies: { rerun_after_edit_ms: cookiesRerun, steps: cookiesSteps },
    http: { journey_rerun_after_edit_ms: journeyRerun, journey_steps: journeySteps, waterfall_rerun_after_edit_ms: waterfallRerun },
    jwt_operations_per_second: jwtOps,
    jose_operations_per_second: joseOps,
    jwt_rsa2048_generation_ms: median(keygen),
    jwt_longest_main_thread_task_during_generation_ms: longestTask,
  };
  fs.writeFileSync(path.join(ROOT, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
  const rows = [
    ['whole site, every page: wasm (raw / gzip)', `${kb(size.wasm.raw)} / ${kb(size.wasm.gzip)}`],
    ['whole site, every page: JS, CSS, HTML (gzip)', `${kb(size.js.gzip)}, ${kb(size.css.gzip)}, ${kb(size.html.gzip)}`],
    ['advance one step → DOM updated (median of 21)', ms(step)],
    ['edit RTT → trace re-run and redrawn, default scenario (median of 11)', ms(rerun)],
    [`edit RTT → re-run and redrawn, slow-start preset, ${bigSteps} steps (median of 7)`, ms(rerunBig)],
    ...models.map((m) => [`rate limiter, 1,000,000 requests through ${m} (median of 3)`, `${(perSecond[m] / 1e6).toFixed(2)} M requests/s`]),
    [`rate limiter, slider → 7 models re-run and charts redrawn, ${heavyRequests} requests (median of 9)`, ms(sliderRedraw)],
    ['DNS: edit a latency → cold lookup re-run and timeline redrawn (median of 11)', ms(dnsRerun)],
    [`DNS: edit a latency → tour preset re-run and redrawn, ${tourSteps} steps (median of 7)`, ms(dnsRerunTour)],
    ['DNS: edit a latency → DNSSEC preset re-signed, re-validated and redrawn (median of 7)', ms(dnssecRerun)],
    ['DNS: encode the authoritative answer, 200,000 times (median of 3)', `${(wire.encode / 1e6).toFixed(2)} M messages/s`],
    [`TLS: edit RTT → the whole connection recomputed (key exchange, chain made and checked, records sealed) and redrawn, ${tlsSteps} steps (median of 11)`, ms(tlsRerun)],
    [`OAuth: edit a delay → the whole sign-in re-run (RS256 tokens signed and checked, every message) and redrawn, ${oauthSteps} steps (median of 11)`, ms(oauthRerun)],
    [`Caching: edit the path → every request re-run through the browser caches and the CDN and redrawn, ${cacheSteps} steps (median of 11)`, ms(cacheRerun)],
    [`Caching: a slider → the application model re-run over ${appRequests} reads and its chart and table redrawn (median of 11)`, ms(cacheAppSlider)],
    [`Cookies: edit a Set-Cookie value → every event re-run through the jar and redrawn, ${cookiesSteps} steps (median of 11)`, ms(cookiesRerun)],
    [`HTTP: edit the journey's RTT → DNS, TCP and TLS re-run (keys, chain, records) and redrawn, ${journeySteps} steps (median of 11)`, ms(journeyRerun)],
    ['HTTP: edit the waterfall\'s RTT → the page-load model re-run (HTTP/2, 2% loss) and the waterfall redrawn (median of 11)', ms(waterfallRerun)],
    ['JWT: RSA-2048 key generation (WebCrypto, median of 5)', ms(median(keygen))],
    ['JWT: longest main-thread task while generating (longtask observer; 0 = none over 50 ms)', ms(longestTask)],
    ...Object.entries(jwtOps).map(([k, v]) => [`JWT: ${k.replace(/_/g, ' ')}, Wirelab's wasm (median of 3)${joseOps[k] ? ' | jose (WebCrypto)' : ''}`, `${v.toLocaleString('en')} /s${joseOps[k] ? ` | ${joseOps[k].toLocaleString('en')} /s` : ''}`]),
    ['DNS: decode the authoritative answer, 200,000 times (median of 3)', `${(wire.decode / 1e6).toFixed(2)} M messages/s`],
  ];
  console.log('\nroute      | transfer (gzip, first visit) | of it wasm | budget   | within | → interactive | on 4G (9 Mbit/s, 170 ms)');
  console.log('-----------|------------------------------|------------|----------|--------|---------------|-------------------------');
  for (const [name, r] of Object.entries(perRoute)) {
    const within = r.transfer.total <= r.budget_kb * 1000 ? 'yes' : 'NO';
    console.log(`${name.padEnd(10)} | ${kB(r.transfer.total).padStart(28)} | ${kB(r.transfer.wasm || 0).padStart(10)} | ${(r.budget_kb + ' kB').padStart(8)} | ${within.padStart(6)} | ${ms(r.unthrottled_ms).padStart(13)} | ${ms(r.throttled_4g_ms).padStart(9)}`);
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log('\n' + 'measure'.padEnd(width) + ' | value');
  console.log('-'.repeat(width) + '-|-' + '-'.repeat(20));
  for (const [k, v] of rows) console.log(k.padEnd(width) + ' | ' + v);
  console.log('\nwritten to bench-results.json');
} finally {
  await browser.close();
  await server.close();
}
