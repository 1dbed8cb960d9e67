// The caching lab (HTTP caches and application caching) in headless Chromium against the release build,
// from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openLab, summary, labels, preset, edit, fields } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (where = 'cache/', options = {}) => openLab(browser, server, where, options);

test('the default: a miss through the CDN, a fresh hit, a revalidation answered 304, and the CDN serving a second person', async () => {
  const { context, page, problems } = await open();
  const all = await labels(page);
  for (const want of ['miss', 'GET /app.css', '200 OK', 'stored', 'hit: fresh', 'revalidate', '304 Not Modified', '304: updated']) {
    assert.ok(all.some((l) => l.endsWith(want)), `${want} in ${all.join(' | ')}`);
  }
  assert.match(await summary(page), /The origin was asked 2 times/);
  // The revalidation carries the validators, as real header lines.
  const request = await page.locator('[data-testid=step]', { hasText: 'GET /app.css' }).nth(2);
  await request.click();
  const inspector = await page.locator('[data-testid=inspector]').innerText();
  assert.match(inspector, /If-None-Match: "v1"/);
  assert.match(inspector, /If-Modified-Since: /);
  // The decision names its rule and section.
  const hit = await fields(page, 'hit: fresh');
  assert.ok(hit.some((f) => f.includes('Freshness lifetime') && f.includes('60 s') && f.includes('max-age=60')), hit.join(' | '));
  assert.match(await page.locator('[data-testid=inspector]').innerText(), /RFC 9111/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the panel shows each cache\'s stored response ageing past its lifetime as the time moves', async () => {
  const { context, page, problems } = await open();
  await page.locator('[data-testid=step]', { hasText: 'hit: fresh' }).first().click();
  const panel = page.locator('[data-testid=caches]');
  await page.waitForFunction(() => document.querySelector('[data-testid=clock-value]').innerText === 't = 30s');
  assert.match(await panel.innerText(), /CDN[\s\S]*\/app\.css[\s\S]*30s of 1m[\s\S]*fresh/);
  // The keyboard moves the time: past the lifetime, the same entries are stale.
  await page.focus('[data-testid=clock]');
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('[data-testid=clock-value]').innerText(), 't = 1m10s');
  const rows = await page.locator('[data-testid=stored-entry]').allInnerTexts();
  assert.ok(rows.length >= 2, rows.join(' | '));
  assert.ok(rows.every((r) => r.trim().endsWith('stale')), `every entry is stale after its minute: ${rows.join(' | ')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('presets: private data is not stored by the CDN, stale-if-error serves through an outage, Vary keeps a copy per encoding', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'private-authorization');
  const notStored = await fields(page, 'not stored');
  assert.ok(notStored.some((f) => f.includes('private')), notStored.join(' | '));
  await preset(page, 'stale-if-error');
  assert.ok((await labels(page)).some((l) => l.endsWith('error: serve stale')));
  assert.ok((await labels(page)).some((l) => l.endsWith('error: passed on')), 'beyond stale-if-error the error passes');
  await preset(page, 'vary-encoding');
  await page.click('[data-testid=last]');
  const panel = await page.locator('[data-testid=caches]').innerText();
  assert.match(panel, /accept-encoding: gzip, br/);
  assert.match(panel, /accept-encoding: gzip\b/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('editing: a header line that is wrong says which and why, keeps what was typed, and fixing it reruns', async () => {
  const { context, page, problems } = await open();
  await edit(page);
  const headers = page.locator('[data-testid=input-headers]');
  await headers.fill('Content-Type: text/css\nCache-Control max-age=600');
  await page.waitForSelector('#cache-headers-error');
  assert.match(await page.locator('#cache-headers-error').innerText(), /line 2: .*has no colon/);
  assert.equal(await headers.inputValue(), 'Content-Type: text/css\nCache-Control max-age=600', 'kept as typed');
  await headers.fill('Content-Type: text/css\nCache-Control: no-store');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('asked 4 times'));
  assert.ok((await labels(page)).some((l) => l.endsWith('not stored')));
  // Events: a bad line is named; a new person gets a lane.
  const events = page.locator('[data-testid=input-events]');
  await events.fill('0s GET\nsoon GET');
  await page.waitForSelector('#cache-events-error');
  assert.match(await page.locator('#cache-events-error').innerText(), /line 2: .*not a time/);
  await events.fill('0s GET\n5s carol GET');
  await page.waitForFunction(() => document.body.innerText.includes("Carol's browser"));
  assert.deepEqual(problems, []);
  await context.close();
});

test('application caching: a stampede, tamed by coalescing; each request shows its commands; bad traffic text is named', async () => {
  const { context, page, problems } = await open();
  const appSummary = () => page.locator('[data-testid=app-summary]').innerText();
  await page.selectOption('[data-testid=app-preset]', 'stampede');
  await page.waitForFunction(() => document.querySelector('[data-testid=app-summary]').innerText.includes('4000 reads'));
  const plain = Number((await appSummary()).match(/served (\d+) reads/)[1]);
  await page.selectOption('[data-testid=app-preset]', 'stampede-coalesce');
  await page.waitForFunction(() => /served [1-5] reads/.test(document.querySelector('[data-testid=app-summary]').innerText));
  const coalesced = Number((await appSummary()).match(/served (\d+) reads/)[1]);
  assert.ok(plain > 100 && coalesced <= 5, `${plain} then ${coalesced}`);
  assert.match(await page.locator('[data-testid=app-chart]').getAttribute('aria-label'), /hit ratio \d+% overall/);
  // A request, by keyboard: its commands and reason.
  const first = page.locator('[data-testid=app-request] button').first();
  await first.focus();
  await page.keyboard.press('Enter');
  const detail = await page.locator('[data-testid=app-detail]').innerText();
  assert.match(detail, /GET k0/);
  assert.match(detail, /SELECT v/);
  // The HTTP part is untouched by the application preset.
  assert.match(await summary(page), /The origin was asked 2 times/);
  // Traffic text with a mistake: the line is named, the text kept.
  await edit(page);
  await page.click('[data-testid=app-editor] summary');
  const reads = page.locator('[data-testid=input-app_reads]');
  await reads.fill('steady every=10 count=5 start=0\nsteddy every=1');
  await page.waitForSelector('#cache-app_reads-error');
  assert.match(await page.locator('#cache-app_reads-error').innerText(), /line 2: .*not a pattern/);
  assert.equal(await reads.inputValue(), 'steady every=10 count=5 start=0\nsteddy every=1');
  assert.deepEqual(problems, []);
  await context.close();
});

test('application caching: sliders re-run the model and write the editor; a bar of the chart shows its requests', async () => {
  const { context, page, problems } = await open();
  const ratio = () => page.evaluate(() => Number(document.querySelector('[data-testid=app-summary]').innerText.match(/([\d.]+)% from the cache/)[1]));
  const before = await ratio();
  // Capacity to its end, by keyboard: with room for every key nothing is evicted, more hits.
  const capacity = page.locator('[data-testid=slider-app_capacity]');
  await capacity.focus();
  await page.keyboard.press('End');
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid=app-summary]').innerText.match(/([\d.]+)% from the cache/)[1]) > b, before);
  assert.doesNotMatch(await page.locator('[data-testid=app-summary]').innerText(), /evicted/);
  const db = page.locator('[data-testid=slider-app_db_ms]');
  await db.fill('250');
  assert.equal(await db.getAttribute('aria-valuetext'), '250 ms');
  await edit(page);
  await page.click('[data-testid=app-editor] summary');
  assert.equal(await page.locator('[data-testid=input-app_capacity]').inputValue(), '1000');
  assert.equal(await page.locator('[data-testid=input-app_db_ms]').inputValue(), '250');
  // A bar of the chart (6 s in 60 bars): the table shows that 100 ms and nothing else.
  await page.locator('[data-testid=app-chart] .bucket-hit').nth(30).click();
  assert.equal(await page.locator('[data-testid=app-window-value]').innerText(), '3000–3100 ms');
  const at = async () => (await page.locator('[data-testid=app-request] td:first-child').allInnerTexts()).map((t) => parseFloat(t));
  const inWindow = await at();
  assert.ok(inWindow.length > 0 && inWindow.every((t) => t >= 3000 && t < 3100), inWindow.join());
  // The same by keyboard: the next window.
  await page.locator('[data-testid=app-window]').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('[data-testid=app-window-value]').innerText(), '3100–3200 ms');
  assert.ok((await at()).every((t) => t >= 3100 && t < 3200));
  await page.click('[data-testid=app-window-all]');
  // Every request, 100 at first and more on request: the caption says how many there are.
  assert.equal((await at()).length, 100);
  const caption = await page.locator('[data-testid=app-cache] caption').innerText();
  const total = Number(caption.match(/the first 100 of (\d+)/)[1]);
  await page.click('[data-testid=app-more]');
  assert.equal((await at()).length, Math.min(500, total));
  // The requests as CSV, as the sliders left them: every row, database latency 250 ms on misses.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-app-csv]')]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'request,time_us,key,outcome,stale,latency_us,commands,why');
  const reads = Number((await page.locator('[data-testid=app-summary]').innerText()).match(/(\d+) reads,/)[1]);
  assert.equal(csv.filter((l) => /^\d+,\d+,k\d+,(hit|miss|coalesced),/.test(l)).length, reads);
  assert.ok(csv.some((l) => /,miss,false,25\d{4},/.test(l)), csv.slice(0, 5).join('\n'));
  assert.deepEqual(problems, []);
  await context.close();
});
