// End-to-end tests against the release build in headless Chromium, served from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { serve, launch, watch, ready, openPage, openFull } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** A fresh context (own storage) and page, watched for errors and outside requests. */
const open = (hash = '', options = {}) => openPage(browser, server, hash, options);

const b64url = (text) => Buffer.from(text).toString('base64url');
const position = (page) => page.locator('[data-testid=position]').innerText();
const banner = (page) => page.locator('[data-testid=banner]');
/** Unfolds the scenario editor (it starts folded so the diagram is in view), and waits for its
 * form (a lab may load it on first opening). */
async function edit(page) {
  if (!(await page.$eval('details.editor', (d) => d.open))) await page.click('[data-testid=editor-summary]');
  await page.waitForSelector('details.editor [data-testid=editor]');
}

test('home loads from a sub-path with no console error and lists the labs', async () => {
  const { context, page, problems } = await open();
  await page.waitForSelector('[data-testid=home]');
  assert.ok(await page.locator('[data-testid=lab-card]').count() >= 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('each lab is reachable from home', async () => {
  const { context, page, problems } = await open();
  const links = await page.locator('[data-testid=lab-card] h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of links) {
    await page.goto(server.base);
    await page.click(`[data-testid=lab-card] a[href="${href}"]`);
    await page.waitForSelector('[data-testid=timeline]');
    await page.waitForSelector('[data-testid=inspector] #inspector-title');
    assert.match(await position(page), /^1 \/ \d+$/, href);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('the TCP lab shows the handshake with real bytes and highlights a field', async () => {
  const { context, page, problems } = await open('#/tcp');
  await page.click('[data-testid=step][data-step="1"]');
  const title = await page.locator('#inspector-title').innerText();
  assert.match(title, /Step 2 of \d+/);
  assert.match(title, /SYN seq=0/);
  // The SYN is 24 bytes: 20 of header and the MSS option.
  assert.equal(await page.locator('[data-testid=hex] .byte').count(), 24);
  const flags = page.locator('[data-testid=field]', { hasText: 'Control Bits' });
  await flags.hover();
  const lit = await page.locator('[data-testid=hex] .byte.hl').allInnerTexts();
  assert.deepEqual(lit, ['02'], 'the control-bits byte of a SYN is 0x02');
  // And back: pointing at a byte highlights its field.
  await page.locator('[data-testid=hex] .byte[data-offset="2"]').hover();
  assert.match(await page.locator('[data-testid=field].hl').innerText(), /Destination Port/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard: arrows, Home/End and Space step through the trace', async () => {
  const { context, page, problems } = await open('#/tcp');
  await page.locator('h1').click();
  const total = Number((await position(page)).split('/')[1]);
  await page.keyboard.press('ArrowRight');
  assert.equal(await position(page), `2 / ${total}`);
  await page.keyboard.press('End');
  assert.equal(await position(page), `${total} / ${total}`);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await position(page), `${total - 1} / ${total}`);
  await page.keyboard.press('Home');
  assert.equal(await position(page), `1 / ${total}`);
  await page.selectOption('[data-testid=speed]', '4');
  await page.locator('h1').click();
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.startsWith('3 /'));
  await page.keyboard.press(' ');
  const paused = await position(page);
  await page.waitForTimeout(600);
  assert.equal(await position(page), paused, 'Space pauses');
  // Every control is a real button with a name.
  for (const id of ['first', 'prev', 'play', 'next', 'last']) {
    assert.ok(await page.getAttribute(`[data-testid=${id}]`, 'aria-label'), id);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('editing validates as you type and keeps what was typed', async () => {
  const { context, page, problems } = await open('#/tcp');
  const before = await page.locator('[data-testid=summary]').innerText();
  await edit(page);
  await page.fill('[data-testid=input-rtt_ms]', 'fast');
  assert.match(await page.locator('[data-testid=error-rtt_ms]').innerText(), /not a whole number/);
  assert.equal(await page.inputValue('[data-testid=input-rtt_ms]'), 'fast');
  assert.equal(await page.getAttribute('[data-testid=input-rtt_ms]', 'aria-invalid'), 'true');
  assert.equal(await page.locator('[data-testid=summary]').innerText(), before, 'the trace keeps the last valid scenario');
  await page.fill('[data-testid=input-rtt_ms]', '400');
  assert.equal(await page.locator('[data-testid=error-rtt_ms]').innerText(), '');
  assert.match(await page.locator('[data-testid=summary]').innerText(), /handshake took 0\.400 s/);
  await page.fill('[data-testid=input-lose]', '1');
  assert.ok(await page.locator('[data-testid=step]', { hasText: 'RTO expired' }).count() >= 1, 'a lost SYN is retransmitted');
  assert.deepEqual(problems, []);
  await context.close();
});

test('permalink round trip restores the scenario and the current step', async () => {
  const a = await open('#/tcp');
  await edit(a.page);
  await a.page.fill('[data-testid=input-rtt_ms]', '300');
  await a.page.fill('[data-testid=input-lose]', '5');
  await a.page.selectOption('[data-testid=input-closer]', 'server');
  await a.page.click('[data-testid=step][data-step="6"]');
  await a.page.click('[data-testid=copy-link]');
  const link = await a.page.inputValue('[data-testid=share-output]');
  // A link names the lab's own page, so it opens with no redirect.
  assert.ok(link.startsWith(server.base + 'tcp/#/tcp?z='), link);
  assert.match(link, /&step=7$/);
  const expected = await a.page.locator('#inspector-title').innerText();
  assert.deepEqual(a.problems, []);
  await a.context.close();

  const b = await open(link.slice(server.base.length));
  assert.equal(await b.page.inputValue('[data-testid=input-rtt_ms]'), '300');
  assert.equal(await b.page.inputValue('[data-testid=input-lose]'), '5');
  assert.equal(await b.page.inputValue('[data-testid=input-closer]'), 'server');
  assert.equal(await b.page.locator('#inspector-title').innerText(), expected);
  assert.equal(await banner(b.page).count(), 0);
  // The address bar itself stays a permalink, so a reload shows the same view.
  await b.page.reload();
  await ready(b.page);
  assert.equal(await b.page.locator('#inspector-title').innerText(), expected);
  assert.deepEqual(b.problems, []);
  await b.context.close();
});

test('links are compressed by the browser, and read back by any deflate; without CompressionStream they are plain', async () => {
  const zlib = await import('node:zlib');
  const a = await open('#/tcp');
  await edit(a.page);
  await a.page.fill('[data-testid=input-rtt_ms]', '321');
  await a.page.click('[data-testid=step][data-step="4"]');
  // The address bar follows once the browser has compressed the link.
  await a.page.waitForFunction(() => /^#\/tcp\?z=[^&]+&step=5$/.test(location.hash));
  const packed = new URL(a.page.url()).hash.match(/z=([^&]+)/)[1];
  const json = JSON.parse(zlib.inflateRawSync(Buffer.from(packed, 'base64url')).toString('utf8'));
  assert.equal(json.rtt_ms, 321, 'raw DEFLATE of the scenario JSON');
  // The same scenario compressed elsewhere (Node's zlib at another level) opens the same view.
  const other = zlib.deflateRawSync(Buffer.from(JSON.stringify(json)), { level: 1 }).toString('base64url');
  assert.notEqual(other, packed);
  const expected = await a.page.locator('#inspector-title').innerText();
  assert.deepEqual(a.problems, []);
  await a.context.close();
  const b = await open(`tcp/#/tcp?z=${other}&step=5`);
  assert.equal(await b.page.inputValue('[data-testid=input-rtt_ms]'), '321');
  assert.equal(await b.page.locator('#inspector-title').innerText(), expected);
  assert.deepEqual(b.problems, []);
  await b.context.close();

  // A browser without CompressionStream: the address bar and Copy link carry the plain form,
  // which opens the same view.
  const c = await open('tcp/#/tcp?s=' + b64url(JSON.stringify({ rtt_ms: 321 })) + '&step=5', { init: () => { delete window.CompressionStream; } });
  await c.page.waitForFunction(() => /^#\/tcp\?s=[^&]+&step=5$/.test(location.hash));
  await c.page.click('[data-testid=copy-link]');
  await c.page.waitForFunction(() => document.querySelector('[data-testid=share-output]')?.value.includes('#/tcp?s='));
  const plain = await c.page.inputValue('[data-testid=share-output]');
  assert.equal(JSON.parse(Buffer.from(plain.match(/s=([^&]+)/)[1], 'base64url').toString('utf8')).rtt_ms, 321);
  assert.equal(await c.page.locator('#inspector-title').innerText(), expected);
  assert.deepEqual(c.problems, []);
  await c.context.close();
});

test('a hand-written plain link (base64 of JSON) is accepted', async () => {
  const json = JSON.stringify({ rtt_ms: 250, closer: 'both' });
  for (const encoded of [b64url(json), Buffer.from(json).toString('base64')]) {
    const { context, page, problems } = await open(`#/tcp?s=${encoded}&step=4`);
    assert.equal(await page.inputValue('[data-testid=input-rtt_ms]'), '250');
    assert.equal(await page.inputValue('[data-testid=input-closer]'), 'both');
    assert.match(await position(page), /^4 \//);
    assert.equal(await banner(page).count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('broken links show a specific banner and fall back to the default', async () => {
  const cases = [
    ['#/tcp?z=@@@@', /damaged: character 1/],
    [`#/tcp?s=${'A'.repeat(20000)}`, /too long/],
    [`#/tcp?s=${b64url('{"rtt_ms":0}')}`, /rtt_ms: must be from 1 to 10000 ms/],
    [`#/tcp?s=${b64url('{"rtt":5}')}`, /unknown field `rtt`/],
    [`#/tcp?s=${b64url('{"v":9}')}`, /version 9/],
    [`#/tcp?z=${b64url('not deflate at all')}`, /did not decompress/],
    ['#/tcp?step=999', /step 999, but this scenario has \d+ steps/],
    ['#/tcp?step=two', /not a step number/],
  ];
  for (const [hash, message] of cases) {
    const { context, page, problems } = await open(hash);
    await page.waitForSelector('[data-testid=banner]');
    assert.match(await banner(page).first().innerText(), message, hash.slice(0, 60));
    assert.equal(await page.inputValue('[data-testid=input-rtt_ms]'), '100', 'the default scenario is shown');
    assert.ok(await page.locator('[data-testid=step]').count() > 3);
    assert.deepEqual(problems, [], hash.slice(0, 60));
    await context.close();
  }
  const { context, page } = await open('#/no-such-lab');
  await page.waitForSelector('[data-testid=not-found]');
  await context.close();
});

test('the last edited scenario survives a reload; an unreadable one is discarded with a notice', async () => {
  const { context, page, problems } = await open('#/tcp');
  await edit(page);
  await page.fill('[data-testid=input-rtt_ms]', '150');
  await page.goto(server.base + '#/');
  await page.goto(server.base + '#/tcp');
  await page.waitForSelector('[data-testid=input-rtt_ms]', { state: 'attached' });
  assert.equal(await page.inputValue('[data-testid=input-rtt_ms]'), '150');
  await page.evaluate(() => localStorage.setItem('wirelab.tcp.v1', '{"scenario": {"rtt_ms": "broken'));
  await page.goto(server.base + '#/');
  await page.goto(server.base + '#/tcp');
  await page.waitForSelector('[data-testid=banner]');
  assert.match(await banner(page).first().innerText(), /could not be read/);
  assert.equal(await page.inputValue('[data-testid=input-rtt_ms]'), '100');
  assert.deepEqual(problems, []);
  await context.close();
});

test('dismissing a notice removes it alone: the others keep their elements and text', async () => {
  const { context, page, problems } = await open('#/tcp');
  await page.evaluate(() => localStorage.setItem('wirelab.tcp.v1', '{"scenario": {"rtt_ms": "broken'));
  await page.goto(server.base + '#/');
  await page.goto(server.base + '#/tcp?step=two');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=banner]').length === 2);
  const texts = await banner(page).allInnerTexts();
  assert.match(texts.join('\n'), /could not be read/);
  assert.match(texts.join('\n'), /not a step number/);
  // Mark the second notice's element: redrawn, it would lose the mark.
  await page.evaluate(() => { document.querySelectorAll('[data-testid=banner]')[1].dataset.mark = 'kept'; });
  await banner(page).first().locator('[data-testid=banner-dismiss]').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=banner]').length === 1);
  assert.equal(await banner(page).first().getAttribute('data-mark'), 'kept');
  assert.equal(await banner(page).first().innerText(), texts[1]);
  await banner(page).first().locator('[data-testid=banner-dismiss]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=banner]').length === 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('embed mode hides the chrome, posts its height, and links to the full app', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watch(page, server.origin);
  await page.goto(server.origin + '/parent.html');
  await page.waitForFunction(() => window.heights.length > 0 && window.heights.at(-1) > 400, null, { timeout: 30000 });
  const frame = page.frame({ url: /wirelab/ });
  await frame.waitForSelector('[data-testid=timeline]');
  assert.equal(await frame.locator('[data-testid=site-header]').count(), 0);
  assert.equal(await frame.locator('[data-testid=share]').count(), 0);
  const full = await openFull(frame, /#\/tcp\?z=/);
  assert.ok(full.startsWith(server.base + 'tcp/#/tcp?z='), full);
  assert.ok(!full.includes('embed'), full);
  // Opening the lab's details changes the height, and the parent hears of it.
  const count = await page.evaluate(() => window.heights.length);
  await frame.click('details.editor > summary');
  await page.waitForFunction((n) => window.heights.length > n, count);
  assert.deepEqual(problems, []);
  await context.close();
});

test('export buttons produce JSON, SVG and Mermaid of the trace', async () => {
  const { context, page, problems } = await open('#/tcp');
  const rows = await page.locator('[data-testid=step]').count();
  const grab = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${id}]`)]);
    return fs.readFileSync(await download.path(), 'utf8');
  };
  const trace = JSON.parse(await grab('export-json'));
  assert.equal(trace.schema, 1);
  assert.equal(trace.lab, 'tcp');
  assert.equal(trace.steps.length, rows);
  assert.match(trace.steps[1].bytes, /^[0-9a-f]{48}$/, 'the SYN as 24 bytes of hex');
  const svg = await grab('export-svg');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.includes('SYN seq=0'));
  const mermaid = await grab('export-mermaid');
  assert.ok(mermaid.startsWith('sequenceDiagram\n'));
  // The capture for Wireshark (its contents are checked by tshark in the test command).
  const [pcap] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-pcap]')]);
  assert.equal(pcap.suggestedFilename(), 'wirelab-tcp.pcap');
  const bytes = fs.readFileSync(await pcap.path());
  assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4, 'pcap magic');
  assert.equal(bytes.readUInt32LE(20), 101, 'raw IP packets');
  assert.ok(bytes.length > 24 + 10 * (16 + 40), 'the connection\'s segments');
  assert.ok(mermaid.includes('client->>server'));
  await page.click('[data-testid=copy-embed]');
  const embed = await page.inputValue('[data-testid=share-output]');
  assert.match(embed, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/courses\/net\/wirelab\/tcp\/#\/tcp\?z=[^"]+&amp;step=1&amp;embed=1" title="Wirelab: /);
  assert.deepEqual(problems, []);
  await context.close();
});

test('after one visit the app reloads and works with the server gone', async () => {
  const own = await serve();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(own.base + '#/tcp');
  await ready(page);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(async () => (await caches.keys()).length > 0 && (await (await caches.open((await caches.keys())[0])).keys()).length >= 3);
  await own.close();
  await page.reload();
  await ready(page);
  await page.waitForSelector('[data-testid=step]');
  await page.locator('h1').click();
  await page.keyboard.press('ArrowRight');
  assert.match(await position(page), /^2 \//);
  await context.close();
});

test('no request ever leaves the origin', async () => {
  // Every test above records outside requests as problems; this one also checks the server saw
  // only its own paths, and none for a favicon or other stray file.
  const stray = server.requests.filter((u) => !u.startsWith('/courses/net/wirelab/') && u !== '/parent.html');
  assert.deepEqual(stray, []);
});

test('no serious accessibility violation on home and on the lab, in both themes', async () => {
  for (const [hash, scheme] of [['#/', 'light'], ['#/tcp', 'light'], ['#/tcp', 'dark'], ['#/ratelimit', 'light'], ['#/ratelimit', 'dark'], ['#/dns', 'light'], ['#/dns', 'dark'], ['#/jwt', 'light'], ['#/jwt', 'dark'], ['#/tls', 'light'], ['#/tls', 'dark'], ['#/oauth', 'light'], ['#/oauth', 'dark'], ['#/cache', 'light'], ['#/cache', 'dark'], ['#/http', 'light'], ['#/http', 'dark'], ['#/cookies', 'light'], ['#/cookies', 'dark']]) {
    const { context, page } = await open(hash, { colorScheme: scheme, bypassCSP: true });
    await page.waitForSelector(hash === '#/' ? '[data-testid=home]' : '[data-testid=inspector] #inspector-title');
    await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate(async () => {
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, [], `${hash} ${scheme}`);
    await context.close();
  }
});

test('usable at 360 px wide: nothing overflows the page', async () => {
  for (const hash of ['#/', '#/tcp', '#/ratelimit', '#/dns', '#/jwt', '#/tls', '#/oauth', '#/cache', '#/http', '#/cookies']) {
    const { context, page, problems } = await open(hash, { viewport: { width: 360, height: 740 } });
    await page.waitForSelector(hash === '#/' ? '[data-testid=home]' : '[data-testid=inspector] #inspector-title');
    if (hash !== '#/') await edit(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${hash}: page is ${width}px wide`);
    if (hash !== '#/') {
      await page.click('[data-testid=next]');
      assert.match(await position(page), /^2 \//);
    }
    assert.deepEqual(problems, [], hash);
    await context.close();
  }
  // The TLS lab's presets carry the longest unbreakable words (suite names, hex); the OAuth
  // lab's, long URLs and tokens.
  for (const lab of ['tls', 'oauth', 'cache', 'http', 'cookies']) {
    const { context, page, problems } = await open(`#/${lab}`, { viewport: { width: 360, height: 740 } });
    await page.waitForSelector('[data-testid=inspector] #inspector-title');
    for (const id of await page.$$eval('[data-testid=preset] option', (o) => o.map((x) => x.value).filter(Boolean))) {
      await page.selectOption('[data-testid=preset]', id);
      await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.startsWith('1 /'));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${lab} preset ${id}: page is ${width}px wide`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('reduced motion: no transitions when the system asks for less motion', async () => {
  const { context, page, problems } = await open('#/tcp', { reducedMotion: 'reduce' });
  await page.waitForSelector('[data-testid=step]');
  const duration = await page.$eval('[data-testid=step] .row-band', (el) => getComputedStyle(el).transitionDuration);
  assert.equal(duration, '0s');
  assert.deepEqual(problems, []);
  await context.close();
  const moving = await open('#/tcp', { reducedMotion: 'no-preference' });
  await moving.page.waitForSelector('[data-testid=step]');
  assert.notEqual(await moving.page.$eval('[data-testid=step] .row-band', (el) => getComputedStyle(el).transitionDuration), '0s');
  await moving.context.close();
});

test('the theme switch cycles system, light and dark, and is remembered', async () => {
  const { context, page, problems } = await open('#/');
  const theme = () => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  assert.equal(await theme(), null);
  await page.click('[data-testid=theme]');
  assert.equal(await theme(), 'light');
  await page.click('[data-testid=theme]');
  assert.equal(await theme(), 'dark');
  await page.reload();
  await ready(page);
  assert.equal(await theme(), 'dark');
  assert.deepEqual(problems, []);
  await context.close();
});
