// The rate limiter lab in headless Chromium against the release build, served from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, watch, ready, openPage, openFull } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function open(hash = '#/ratelimit', options = {}) {
  const opened = await openPage(browser, server, hash, options);
  await opened.page.waitForSelector('[data-testid=chart]');
  return opened;
}

const position = (page) => page.locator('[data-testid=position]').innerText();
/** The comparison table as { model: [allowed, refused, most in 1 s] }. */
async function comparison(page) {
  return page.$$eval('[data-testid=summary] tbody tr', (rows) => Object.fromEntries(rows.map((r) => {
    const cells = [...r.querySelectorAll('td')].map((c) => c.innerText);
    return [r.querySelector('th').innerText, cells.slice(0, 3).map(Number)];
  })));
}

test('the window-boundary burst: a fixed window lets 200 through in one second, a sliding log 100', async () => {
  const { context, page, problems } = await open();
  await page.selectOption('[data-testid=preset]', 'window-boundary');
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.endsWith('/ 200'));
  const t = await comparison(page);
  assert.deepEqual(t['Fixed window counter'], [200, 0, 200]);
  assert.deepEqual(t['Sliding window log'], [100, 100, 100]);
  assert.equal(await page.locator('[data-testid=chart]').count(), 7);
  await page.click('[data-testid=tradeoffs] summary');
  const fixedRow = await page.locator('[data-testid=tradeoffs] tr', { hasText: 'Fixed window counter' }).innerText();
  assert.match(fixedRow, /up to twice the limit across a window boundary/);
  assert.match(fixedRow, /at most 200 in any second \(the average allowed is 1\.7\/s\)/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('clicking a chart picks the nearest request and explains each verdict with headers and Redis commands', async () => {
  const { context, page, problems } = await open();
  // The default burst starts at 2.5 s of a 6 s span; click late in it, on the fixed window.
  const strip = page.locator('[data-testid=chart][data-algorithm=fixed_window] svg');
  const box = await strip.boundingBox();
  await strip.click({ position: { x: box.width * (2.69 / 6), y: box.height / 2 } });
  const title = await page.locator('#inspector-title').innerText();
  assert.match(title, /Request \d+ of 65 at 2\.[6-7]\d\d s from app/);
  assert.match(await page.locator('[data-testid=explanation]').innerText(), /^app's request \(key global\) was refused with 429/);
  const headers = await page.locator('[data-testid=headers]').innerText();
  assert.match(headers, /^Status: 429 Too Many Requests/m);
  assert.match(headers, /^Retry-After: 1$/m);
  assert.match(headers, /^RateLimit-Policy: "fixed_window";q=10;w=1$/m);
  assert.match(await page.locator('[data-testid=redis]').innerText(), /^INCR rl:global:2 {3}→ 1[1-9]/);
  // Another model, same request.
  await page.click('[data-testid=verdict] >> text=GCRA');
  assert.match(await page.locator('[data-testid=redis]').innerText(), /^CL\.THROTTLE rl:global 9 10 1 1/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard steps through requests', async () => {
  const { context, page, problems } = await open();
  await page.locator('h1').click();
  await page.keyboard.press('End');
  assert.equal(await position(page), '65 / 65');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await position(page), '64 / 65');
  await page.keyboard.press('Home');
  assert.equal(await position(page), '1 / 65');
  assert.deepEqual(problems, []);
  await context.close();
});

test('requests can be added by clicking the time axis or by typing a time, and removed again', async () => {
  const { context, page, problems } = await open();
  await page.click('[data-testid=add-mode]');
  assert.equal(await page.getAttribute('[data-testid=add-mode]', 'aria-pressed'), 'true');
  const strip = page.locator('[data-testid=chart][data-algorithm=token_bucket] svg');
  const box = await strip.boundingBox();
  await strip.click({ position: { x: box.width * 0.9, y: 10 } });
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.endsWith('/ 66'));
  assert.match(await page.locator('#inspector-title').innerText(), /at 5\.[34]\d\d s/);
  // Clicking the same spot again removes that hand-made request.
  await strip.click({ position: { x: box.width * 0.9, y: 10 } });
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.endsWith('/ 65'));
  await page.fill('[data-testid=add-at]', '5999');
  await page.click('[data-testid=add-request]');
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.endsWith('/ 66'));
  assert.match(await page.locator('#inspector-title').innerText(), /at 5\.999 s/);
  await page.click('[data-testid=remove-request]');
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.endsWith('/ 65'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('traffic text is validated as typed and a pasted list of timestamps is accepted', async () => {
  const { context, page, problems } = await open();
  await page.click('[data-testid=editor-summary]');
  await page.fill('[data-testid=input-patterns-0]', 'stedy every=100 count=5');
  assert.equal(await page.locator('[data-testid=error-patterns-0]').innerText(), 'line 1: “stedy” is not a pattern: use steady, burst, random or at');
  assert.equal(await page.inputValue('[data-testid=input-patterns-0]'), 'stedy every=100 count=5');
  assert.equal(await position(page), '1 / 65', 'the charts keep the last valid scenario');
  await page.fill('[data-testid=input-patterns-0]', 'at 100, 200, 300\n400 500');
  assert.equal(await page.locator('[data-testid=error-patterns-0]').innerText(), 'line 2: “400” is not a pattern: use steady, burst, random or at');
  await page.fill('[data-testid=input-patterns-0]', 'at 100, 200, 300, 400, 500');
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.endsWith('/ 5'));
  await page.fill('[data-testid=input-limit]', '0');
  assert.equal(await page.locator('[data-testid=error-limit]').innerText(), 'must be from 1 to 100000');
  assert.deepEqual(problems, []);
  await context.close();
});

test('sliders re-run every model', async () => {
  const { context, page, problems } = await open();
  const before = (await comparison(page))['Token bucket'];
  await page.locator('[data-testid=slider-limit]').fill('40');
  await page.waitForFunction(() => document.querySelector('.sliders span').innerText.startsWith('Limit: 40 per'));
  const after = (await comparison(page))['Token bucket'];
  assert.ok(after[1] < before[1], `fewer refusals with a higher limit: ${before} → ${after}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a rate limiter link restores the scenario and the selected request', async () => {
  const a = await open();
  await a.page.selectOption('[data-testid=preset]', 'nat');
  await a.page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.endsWith('/ 130'));
  await a.page.locator('h1').click();
  for (let i = 0; i < 9; i++) await a.page.keyboard.press('ArrowRight');
  await a.page.click('[data-testid=copy-link]');
  const link = await a.page.inputValue('[data-testid=share-output]');
  assert.match(link, /#\/ratelimit\?z=.*&step=10$/);
  const expected = await a.page.locator('#inspector-title').innerText();
  await a.context.close();
  const b = await open(link.slice(server.base.length));
  assert.equal(await b.page.locator('#inspector-title').innerText(), expected);
  assert.match(await b.page.locator('.who').innerText(), /ip:203\.0\.113\.7|ip:198\.51\.100\.4/);
  assert.deepEqual(b.problems, []);
  await b.context.close();
});

test('exports: JSON report, SVG charts, CSV of every decision', async () => {
  const { context, page, problems } = await open();
  const grab = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=export-${id}]`)]);
    return fs.readFileSync(await download.path(), 'utf8');
  };
  const report = JSON.parse(await grab('json'));
  assert.equal(report.requests.length, 65);
  assert.equal(report.runs.length, 7);
  assert.equal(report.runs[0].algorithm, 'token_bucket');
  assert.ok((await grab('svg')).startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  const csv = (await grab('csv')).trim().split('\n');
  assert.equal(csv[0], 'request,time_us,client,key,model,allowed,delay_us,remaining,reset_after_us,retry_after_us');
  assert.equal(csv.length, 1 + 65 * 7);
  assert.deepEqual(problems, []);
  await context.close();
});

test('embed mode shows the charts without the chrome', async () => {
  const { context, page, problems } = await open('#/ratelimit?embed=1');
  assert.equal(await page.locator('[data-testid=site-header]').count(), 0);
  assert.equal(await page.locator('[data-testid=share]').count(), 0);
  assert.match(await openFull(page, /#\/ratelimit\?z=/), /#\/ratelimit\?z=/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('typing key by key into a traffic box keeps the focus and every character', async () => {
  const { context, page, problems } = await open();
  await page.click('[data-testid=editor-summary]');
  const box = page.locator('[data-testid=input-patterns-0]');
  await box.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('at 10 20 3x0');
  assert.equal(await box.inputValue(), 'at 10 20 3x0');
  assert.ok(await box.evaluate((el) => el === document.activeElement), 'still focused after an invalid character');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('0');
  assert.equal(await box.inputValue(), 'at 10 20 30');
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.endsWith('/ 3'));
  assert.deepEqual(problems, []);
  await context.close();
});
