// The site as pages: each page downloads only its own wasm; every link form used before the
// split opens exactly what it opened; moving between labs; offline for a lab never opened (and
// for its separately loaded cryptography).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, watch, ready, DIST, openFull } from './harness.mjs';

const LABS = ['tcp', 'dns', 'jwt', 'ratelimit', 'tls', 'oauth', 'cache', 'http', 'cookies'];
let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Opens `path` (relative to the site's root) in a fresh context without the service worker,
 * and records the wasm files the page fetched. */
async function open(path, options = {}) {
  const context = await browser.newContext({ serviceWorkers: 'block', ...options });
  const page = await context.newPage();
  const problems = watch(page, server.origin);
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.slice(server.base.length - server.origin.length)); });
  await page.goto(server.base + path);
  await ready(page);
  return { context, page, problems, wasm };
}

const position = (page) => page.locator('[data-testid=position]').innerText();
const summary = (page) => page.locator('[data-testid=summary]').innerText();
const here = (page) => page.url().slice(server.base.length);

test('each page downloads its own wasm and no other lab\'s', async () => {
  const home = await open('');
  await home.page.waitForSelector('[data-testid=home]');
  assert.equal(home.wasm.length, 1, home.wasm.join());
  assert.match(home.wasm[0], /^wirelab-[0-9a-f]+_bg\.wasm$/);
  assert.deepEqual(home.problems, []);
  await home.context.close();
  for (const lab of LABS) {
    const { context, page, problems, wasm } = await open(`${lab}/`);
    await page.waitForSelector(`article.lab[data-lab=${lab}]`);
    assert.deepEqual(wasm.map((w) => w.split('/')[0]), [lab], `${lab}: ${wasm.join()}`);
    assert.match(wasm[0], new RegExp(`^${lab}/${lab}-[0-9a-f]+_bg\\.wasm$`));
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('every lab\'s links in both forms, written before the split (#/lab?…), open the same view', async () => {
  for (const lab of LABS) {
    const a = await open(`${lab}/`);
    // A scenario other than the default, at step 3.
    const preset = a.page.locator('[data-testid=preset]');
    const values = await preset.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    await preset.selectOption(values[1]);
    await a.page.click('[data-testid=next]');
    await a.page.click('[data-testid=next]');
    const want = { position: await position(a.page), summary: await summary(a.page) };
    assert.match(want.position, /^3 \//);
    const links = [];
    // A secret (the JWT lab's HMAC key) goes into a link only when asked for, as here.
    if (await a.page.locator('[data-testid=include-secrets]').count()) await a.page.check('[data-testid=include-secrets]');
    await a.page.click('[data-testid=copy-link]');
    links.push(await a.page.inputValue('[data-testid=share-output]'));
    await a.page.check('[data-testid=plain-link]');
    await a.page.click('[data-testid=copy-link]');
    links.push(await a.page.inputValue('[data-testid=share-output]'));
    assert.deepEqual(a.problems, []);
    await a.context.close();
    assert.match(links[0], new RegExp(`^${server.base}${lab}/#/${lab}\\?z=[^&]+&step=3$`), links[0]);
    assert.match(links[1], new RegExp(`^${server.base}${lab}/#/${lab}\\?s=[^&]+&step=3$`));
    for (const link of links) {
      const fragment = link.slice(link.indexOf('#'));
      // The form every earlier link has: the fragment on the site's root. Also with the
      // lab's name in capitals.
      for (const old of [fragment, fragment.replace(`#/${lab}?`, `#/${lab.toUpperCase()}?`)]) {
        const b = await open(old);
        await b.page.waitForSelector(`article.lab[data-lab=${lab}]`);
        assert.equal(here(b.page).split('#')[0], `${lab}/`, old);
        assert.equal(await position(b.page), want.position, old);
        assert.equal(await summary(b.page), want.summary, old);
        assert.equal(await b.page.locator('[data-testid=banner]').count(), 0, old);
        assert.deepEqual(b.problems, [], old);
        assert.deepEqual(b.wasm.map((w) => w.split('/')[0]), [lab], `${old}: only the lab's wasm, not the home page's`);
        await b.context.close();
      }
    }
  }
});

test('an embed written before the split keeps its state, and "Open in Wirelab" opens the lab\'s page', async () => {
  const { context, page, problems } = await open('#/dns?embed=1&step=4');
  await page.waitForSelector('article.lab[data-lab=dns]');
  assert.equal(await page.locator('[data-testid=site-header]').count(), 0);
  assert.match(await position(page), /^4 \//);
  const full = await openFull(page, /#\/dns\?z=/);
  assert.ok(full.startsWith(server.base + 'dns/#/dns?z='), full);
  assert.ok(!full.includes('embed'), full);
  assert.deepEqual(problems, []);
  await context.close();
});

test('moving between labs: cards, the header, a fragment naming another lab, an unknown lab', async () => {
  const { context, page, problems } = await open('');
  await page.click('[data-testid=open-jwt]');
  await page.waitForSelector('article.lab[data-lab=jwt]');
  assert.equal(here(page).split('#')[0], 'jwt/');
  // A fragment naming another lab, typed in the address bar, goes to that lab's page.
  await page.evaluate(() => { location.hash = '#/ratelimit'; });
  await page.waitForSelector('article.lab[data-lab=ratelimit]');
  assert.equal(here(page).split('#')[0], 'ratelimit/');
  await page.click('header.site-header nav a');
  await page.waitForSelector('[data-testid=home]');
  assert.equal(here(page).split('#')[0], '');
  await page.goBack();
  await page.waitForSelector('article.lab[data-lab=ratelimit]');
  // A lab that does not exist: the home page says so, by its name, once, with no other notice.
  await page.goto(server.base + 'tcp/#/no%20such-LAB?step=2');
  await page.waitForSelector('[data-testid=not-found]');
  assert.match(await page.locator('[data-testid=not-found]').innerText(), /There is no lab called “no such-lab”/);
  assert.equal(await page.locator('[data-testid=banner]').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('after visiting only the home page, a lab never opened works with the server gone', async () => {
  const own = await serve();
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watch(page, own.origin);
  await page.goto(own.base);
  await page.waitForSelector('[data-testid=home]');
  // The service worker fetches the whole site in the background; wait until it has.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  // Every wasm the service worker lists (each page's and each extension's) must be cached.
  const wasms = (fs.readFileSync(path.join(DIST, 'sw.js'), 'utf8').match(/_bg\.wasm/g) || []).length;
  assert.ok(wasms >= LABS.length + 1, `sw.js lists ${wasms} wasm files`);
  await page.waitForFunction(async (wasms) => {
    const keys = (await caches.keys()).filter((k) => k.startsWith('wirelab-') && k !== 'wirelab-dev');
    if (keys.length !== 1) return false;
    const cached = (await (await caches.open(keys[0])).keys()).map((r) => r.url);
    return ['dns/', 'jwt/'].every((p) => cached.some((u) => u.endsWith('/' + p)))
      && cached.filter((u) => u.endsWith('_bg.wasm')).length === wasms;
  }, wasms, { timeout: 30000 });
  await own.close();
  await page.goto(own.base + 'dns/#/dns?step=2');
  await page.waitForSelector('article.lab[data-lab=dns] [data-testid=step]');
  assert.match(await position(page), /^2 \//);
  // The separately loaded cryptography (DNSSEC's Ed25519) is there too.
  await page.selectOption('[data-testid=preset]', 'dnssec');
  await page.waitForFunction(() => /validated \(AD\)/.test(document.querySelector('[data-testid=summary]').innerText));
  // An old-form link, offline too: the root's script sends it to the cached JWT page.
  await page.goto(own.base + '#/jwt');
  await page.waitForSelector('article.lab[data-lab=jwt] [data-testid=step]');
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});
