// The HTTP lab (its CORS part so far) in headless Chromium against the release build, from a
// sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openLab, summary, labels, preset, edit, fields, axeViolations } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (where = 'http/', options = {}) => openLab(browser, server, where, options);

test('the journey: DNS, TCP, TLS and HTTP on one time axis, each phase linking to its own lab with the same inputs', async () => {
  const { context, page, problems } = await open();
  const all = await labels(page);
  const at = (p) => all.findIndex((l) => l.includes(p));
  for (const p of ['1. DNS', '2. TCP', '3. TLS 1.3', 'ClientHello', '4. HTTP: GET / (decrypted)', '200 OK (decrypted)']) assert.ok(at(p) >= 0, `${p} in ${all.join(' | ')}`);
  assert.ok(at('1. DNS') < at('2. TCP') && at('2. TCP') < at('3. TLS') && at('3. TLS') < at('4. HTTP'));
  assert.match(await summary(page), /DNS 130 ms, TCP 100 ms, TLS 100 ms, then the request and its answer 100 ms: the page's HTML arrives 430 ms after Enter/);
  await page.locator('[data-testid=step]', { hasText: '4. HTTP' }).click();
  assert.match(await page.locator('[data-testid=inspector]').innerText(), /GET \/ HTTP\/1\.1[\s\S]*Host: www\.example\.com/);
  // The DNS phase links to the DNS lab, which opens on the same lookup.
  await page.locator('[data-testid=step]', { hasText: '1. DNS' }).click();
  const href = await page.locator('[data-testid=inspector] a', { hasText: "Wirelab's DNS lab" }).getAttribute('href');
  assert.match(href, /^\.\.\/dns\/#\/dns\?z=/);
  const dns = await context.newPage();
  await dns.goto(new URL(href, page.url()).href);
  await dns.waitForSelector('[data-testid=step]');
  assert.ok((await labels(dns)).some((l) => l.includes('www.example.com')));
  // Edited: a name that does not exist ends the journey at DNS.
  await edit(page);
  await page.locator('[data-testid="input-journey_host"]').fill('wwww.example.com');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('did not resolve'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('CORS: a preflighted PUT, allowed, then the same call again without a preflight', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'preflight');
  const all = await labels(page);
  for (const want of ['a preflight is needed', 'OPTIONS /items/7 (preflight)', '204 No Content (preflight answer)', 'preflight allowed', 'PUT /items/7', 'handles PUT /items/7', 'CORS check passed', 'no preflight: the cache allows it']) {
    assert.ok(all.some((l) => l.endsWith(want)), `${want} in ${all.join(' | ')}`);
  }
  assert.equal(all.filter((l) => l.endsWith('OPTIONS /items/7 (preflight)')).length, 1, 'one preflight for two calls');
  // The preflight is real bytes, naming the method and the unsafe headers, sorted.
  await page.locator('[data-testid=step]', { hasText: 'OPTIONS /items/7' }).first().click();
  const inspector = await page.locator('[data-testid=inspector]').innerText();
  assert.match(inspector, /Access-Control-Request-Method: PUT/);
  assert.match(inspector, /Access-Control-Request-Headers: authorization,content-type/);
  assert.match(inspector, /Fetch Standard/);
  assert.match(await summary(page), /read by the script/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a CDN without Vary: Origin serves the first site\'s answer to the second, which is blocked with Chromium\'s console line', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'vary-origin');
  const all = await labels(page);
  assert.ok(all.some((l) => l.endsWith('served from the CDN\'s store')), all.join(' | '));
  const blocked = await fields(page, 'blocked by CORS');
  assert.ok(blocked.some((f) => f.includes("Access to fetch at 'https://api.example/items/7' from origin 'https://admin.example' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://app.example' that is not equal to the supplied origin.")), blocked.join(' | '));
  assert.match(await page.locator('[data-testid=inspector]').innerText(), /Vary: Origin/);
  await preset(page, 'vary-origin-fixed');
  assert.ok(!(await labels(page)).some((l) => l.endsWith('served from the CDN\'s store')));
  assert.deepEqual(problems, []);
  await context.close();
});

test('editing the preflight\'s answer blocks the call, and a bad URL is named beside its field and kept as typed', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'preflight');
  await edit(page);
  await page.locator('[data-testid="input-cors_preflight_headers"]').fill('Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: PUT\nAccess-Control-Allow-Headers: Content-Type');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=step] .row-label')].some((l) => l.textContent.endsWith('preflight refused')));
  const blocked = await fields(page, 'blocked by CORS');
  assert.ok(blocked.some((f) => f.includes('Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.')), blocked.join(' | '));
  assert.ok(!(await labels(page)).some((l) => l.endsWith('handles PUT /items/7')), 'the request is never sent');
  const url = page.locator('[data-testid="input-cors_url"]');
  await url.fill('api.example/items');
  await page.waitForFunction(() => document.querySelector('[data-testid="error-cors_url"]')?.innerText.trim());
  assert.match(await page.locator('[data-testid="error-cors_url"]').innerText(), /absolute/);
  assert.equal(await url.inputValue(), 'api.example/items');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a simple POST reaches the server, which acts, before the browser hides the answer', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'server-did-the-work');
  const all = await labels(page);
  assert.ok(all.some((l) => l.endsWith('no preflight: a simple request')), all.join(' | '));
  await page.locator('[data-testid=step]', { hasText: 'handles POST /transfers' }).click();
  assert.match(await page.locator('[data-testid=inspector]').innerText(), /changes made[\s\S]*1/);
  assert.ok(all.at(-1).endsWith('blocked by CORS'));
  assert.match(await summary(page), /blocked after the server acted/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('methods: each call as real bytes against a resource server, idempotency shown by sending twice, and the table the run fills in', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'methods');
  const all = await labels(page);
  for (const want of ['PUT /items/7 (2 of 2)', 'replaced /items/7 as a whole', 'created /items/9', '204 No Content', '404 Not Found', 'the methods, compared']) {
    assert.ok(all.some((l) => l.endsWith(want)), `${want} in ${all.join(' | ')}`);
  }
  const table = await fields(page, 'the methods, compared');
  assert.ok(table.some((f) => f.includes('POST') && f.includes('idempotent ✘') && f.includes('created /items/9')), table.join(' | '));
  assert.ok(table.some((f) => f.includes('DELETE') && f.includes('idempotent ✔') && f.includes('state stayed')), table.join(' | '));
  // The editor shows the methods part's fields, and a bad call is named by its line.
  await edit(page);
  const calls = page.locator('[data-testid="input-methods_calls"]');
  await calls.fill('GET\n9x PUT {}');
  await page.waitForFunction(() => document.querySelector('[data-testid="error-methods_calls"]')?.innerText.includes('line 2'));
  assert.equal(await calls.inputValue(), 'GET\n9x PUT {}');
  assert.equal(await page.locator('[data-testid="input-cors_url"]').count(), 0, 'the CORS fields are not shown');
  assert.deepEqual(problems, []);
  await context.close();
});

test('status codes: each for a reason the trace shows, through a proxy, with who must fix it', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'status-4xx');
  const text = await summary(page);
  for (const want of ['400 Bad Request: fix the request', '401 Unauthorized', '403 Forbidden', '404 Not Found', '409 Conflict', '415 Unsupported Media Type', '422 Unprocessable Content']) assert.ok(text.includes(want), `${want} in ${text}`);
  // The app's checks name the reason: the JSON error's position.
  const checks = await fields(page, 'decides 400');
  assert.ok(checks.some((f) => f.includes('line 1, column')), checks.join(' | '));
  await preset(page, 'status-504');
  assert.match(await summary(page), /504 Gateway Timeout \(the app needed 2000 ms, the proxy waits 1000 ms\): fix the server/);
  assert.ok((await labels(page)).some((l) => l.endsWith('200 OK (too late)')));
  // The proxy's timeout is a field: raised past the app's time, the answer gets through.
  await edit(page);
  await page.locator('[data-testid="input-status_timeout_ms"]').fill('3000');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('200 OK'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('waterfall: a page load drawn from the model, and the protocol, loss and cache levers moving it', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'waterfall-h1');
  await page.waitForSelector('[data-testid=waterfall-row]');
  const load = async () => Number((await page.locator('[data-testid=waterfall-load]').innerText()).match(/Loaded in (\d+) ms/)[1]);
  const h1 = await load();
  assert.equal(await page.locator('[data-testid=waterfall-row]').count(), 13);
  // Each bar says what it is made of, as text.
  const label = await page.locator('[data-testid=waterfall-row] .wf-track').nth(2).getAttribute('aria-label');
  assert.match(label, /^theme\.css: starts at \d+ ms; Connect 80 ms, TLS 80 ms, Waiting 100 ms, Download \d+ ms; ends at \d+ ms$/);
  await preset(page, 'waterfall-h2');
  const h2 = await load();
  assert.ok(h2 < h1, `HTTP/2 ${h2} ms < HTTP/1.1 ${h1} ms`);
  await preset(page, 'waterfall-loss');
  const lossy2 = await load();
  await preset(page, 'waterfall-h3-loss');
  const lossy3 = await load();
  assert.ok(lossy3 < lossy2, `HTTP/3 ${lossy3} ms < HTTP/2 ${lossy2} ms under loss`);
  // A field: a warm cache leaves only the HTML to fetch.
  await edit(page);
  await page.locator('[data-testid="input-waterfall_warm_cache"]').check();
  await page.waitForFunction((before) => Number(document.querySelector('[data-testid=waterfall-load]').innerText.match(/Loaded in (\d+) ms/)[1]) < before, lossy3);
  assert.match(await page.locator('[data-testid=waterfall]').innerText(), /from the cache|cache/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the waterfall and the other parts pass axe in both themes', async () => {
  for (const scheme of ['light', 'dark']) {
    const { context, page, problems } = await open('http/', { colorScheme: scheme, bypassCSP: true });
    for (const id of ['waterfall-h2', 'methods', 'status-4xx', 'preflight']) {
      await preset(page, id);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${scheme} ${id}`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});
