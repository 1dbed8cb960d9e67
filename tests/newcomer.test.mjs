// What a newcomer's first hour found (issue 16), each fixed and kept fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watch, ready, openPage, openFull } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (path, options) => openPage(browser, server, path, options);

const b64url = (text) => Buffer.from(text).toString('base64url');
const position = (page) => page.locator('[data-testid=position]').innerText();

test('Copy link with no clipboard API (plain http): the link is shown, selected, with Ctrl+C', async () => {
  const { context, page, problems } = await open('tcp/', { init: () => { delete Navigator.prototype.clipboard; } });
  assert.equal(await page.evaluate(() => navigator.clipboard), undefined);
  await page.click('[data-testid=copy-link]');
  await page.waitForFunction(() => /Ctrl\+C/.test(document.querySelector('[data-testid=share-note]')?.innerText));
  const link = await page.inputValue('[data-testid=share-output]');
  assert.ok(link.startsWith(server.base + 'tcp/#/tcp?z='), link);
  assert.match(await page.innerText('[data-testid=share-note]'), /^Not copied: this page cannot reach the clipboard/);
  const selection = await page.evaluate(() => {
    const t = document.activeElement;
    return t?.dataset.testid === 'share-output' && t.selectionStart === 0 && t.selectionEnd === t.value.length;
  });
  assert.ok(selection, 'the link box has the focus with all its text selected');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a refused clipboard write says so instead of "copied"', async () => {
  const refuse = () => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  };
  const { context, page, problems } = await open('tcp/', { init: refuse });
  await page.click('[data-testid=copy-embed]');
  await page.waitForFunction(() => !/Copying/.test(document.querySelector('[data-testid=share-note]')?.innerText));
  const note = await page.innerText('[data-testid=share-note]');
  assert.match(note, /^Not copied: the browser refused to write to the clipboard\. The embed code is selected below/);
  assert.doesNotMatch(note, /copied\. It is/);
  assert.match(await page.inputValue('[data-testid=share-output]'), /^<iframe src=/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a granted clipboard gets the link, and the note says so', async () => {
  const { context, page, problems } = await open('tcp/');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  await page.click('[data-testid=copy-link]');
  await page.waitForFunction(() => /copied/.test(document.querySelector('[data-testid=share-note]')?.innerText));
  assert.equal(await page.innerText('[data-testid=share-note]'), 'Link copied. It is also here to select:');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.inputValue('[data-testid=share-output]'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('an embed\'s "Open in Wirelab" follows the step', async () => {
  const { context, page, problems } = await open('tcp/#/tcp?s=eyJsb3NlIjpbNV19&step=9&embed=1');
  assert.match(await position(page), /^9 \//);
  await page.click('[data-testid=next]');
  assert.match(await position(page), /^10 \//);
  assert.match(await openFull(page, /\?z=.*&step=10$/), /&step=10$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a bad step keeps the link\'s scenario and opens it at step 1', async () => {
  const good = await open('tcp/#/tcp?s=eyJsb3NlIjpbNV19&step=1');
  const steps = (await position(good.page)).split('/ ')[1];
  await good.context.close();
  const { context, page, problems } = await open('tcp/#/tcp?s=eyJsb3NlIjpbNV19&step=0');
  assert.equal(await position(page), `1 / ${steps}`);
  assert.match(await page.innerText('[data-testid=banner]'), /step "0" is not a step number.*Showing step 1\./);
  await page.click('[data-testid=editor-summary]');
  assert.equal(await page.inputValue('[data-testid=input-lose]'), '5');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Space plays and pauses while a diagram row has the focus', async () => {
  const { context, page, problems } = await open('tcp/');
  await page.click('[data-testid=step][data-step="2"]');
  await page.keyboard.press('ArrowDown');
  // The focus moves in the next animation frame (after the row is drawn selected): wait for it.
  const moved = await page.waitForFunction(() => document.activeElement?.dataset.step === '3', null, { timeout: 5000 }).then(() => true, () => false);
  assert.ok(moved, `the focus is on row ${await page.evaluate(() => document.activeElement?.dataset.step)}, not row 3`);
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'true');
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-pressed'), 'false');
  assert.deepEqual(problems, []);
  await context.close();
});

test('banners show control and bidi characters from a link escaped', async () => {
  const { context, page, problems } = await open('tcp/#/tcp?s=' + b64url(JSON.stringify({ 'x\u202e\u0000y': 1 })));
  const text = await page.innerText('[data-testid=banner]');
  assert.ok(text.includes('x\\u{202e}\\u{0000}y'), text);
  assert.ok(!text.includes('\u202e') && !text.includes('\u0000'), text);
  assert.deepEqual(problems, []);
  await context.close();
});

test('rate limiter: a name too long is reported once, under its own field; huge times get a limit', async () => {
  const { context, page, problems } = await open('ratelimit/');
  await page.click('[data-testid=editor-summary]');
  await page.fill('[data-testid=input-clients-0-user]', 'u'.repeat(41));
  assert.equal(await page.innerText('[data-testid=error-clients-0-user]'), 'the user is 41 characters; at most 40');
  assert.equal(await page.innerText('[data-testid=error-clients]'), '');
  assert.equal(await page.inputValue('[data-testid=input-clients-0-user]'), 'u'.repeat(41), 'what was typed is kept');
  await context.close();
  const huge = { clients: [{ patterns: [{ kind: 'steady', start_ms: 18446744073709551615n.toString(), every_ms: 1, count: 3 }] }] };
  const json = JSON.stringify(huge).replace('"18446744073709551615"', '18446744073709551615');
  const b = await open('ratelimit/#/ratelimit?s=' + b64url(json));
  assert.match(await b.page.innerText('[data-testid=banner]'), /past any time \(the last time allowed is 86400000 ms, 24 h\)/);
  assert.deepEqual([...problems, ...b.problems], []);
  await b.context.close();
});

test('lab names ignore case, and an unknown one is named decoded, without a second notice', async () => {
  const { context, page, problems } = await open('#/TCP');
  await page.waitForSelector('article.lab[data-lab=tcp]');
  await page.goto(server.base + '#/caf%C3%A9?s=!!!');
  await page.waitForSelector('[data-testid=not-found]');
  assert.match(await page.innerText('[data-testid=not-found]'), /There is no lab called “café”/);
  assert.equal(await page.locator('[data-testid=banner]').count(), 0);
  // Over the link limit: still only the not-found page, no "default scenario" notice over it.
  await page.goto(server.base + '#/' + 'y'.repeat(20000));
  await page.waitForSelector('[data-testid=not-found]');
  assert.equal(await page.locator('[data-testid=banner]').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('at 360 px: the diagram says it scrolls and every lane can be reached; the explanation is beside the step', async () => {
  for (const lab of ['tcp', 'dns', 'jwt']) {
    const { context, page, problems } = await open(`${lab}/`, { viewport: { width: 360, height: 740 } });
    await page.waitForSelector('[data-testid=step]');
    // The diagram is wider than its box, and the page says so where the diagram is.
    const box = await page.$eval('[data-testid=timeline]', (t) => ({ scroll: t.scrollWidth, client: t.clientWidth }));
    assert.ok(box.scroll > box.client, `${lab}: the diagram fits (${JSON.stringify(box)}), so this check needs new thinking`);
    assert.ok(await page.isVisible('[data-testid=scroll-hint]'), `${lab}: no sign that the diagram scrolls`);
    // Scrolled to its end, the last lane's name is inside the visible box.
    await page.$eval('[data-testid=timeline]', (t) => { t.scrollLeft = t.scrollWidth; });
    const seen = await page.$eval('[data-testid=timeline]', (t) => {
      const names = [...t.querySelectorAll('.lane-name')];
      const last = names.reduce((a, b) => (b.getBoundingClientRect().right > a.getBoundingClientRect().right ? b : a));
      const r = last.getBoundingClientRect(), v = t.getBoundingClientRect();
      return r.left >= v.left && r.right <= v.right + 1;
    });
    assert.ok(seen, `${lab}: the right-most lane cannot be brought into view`);
    await page.$eval('[data-testid=timeline]', (t) => { t.scrollLeft = 0; });
    // Tap a step further down: its explanation is on screen at once, without scrolling.
    await page.click('[data-testid=step][data-step="3"]');
    const explanation = await page.innerText('[data-testid=explanation]');
    const caption = page.locator('[data-testid=step-caption]');
    assert.ok(await caption.isVisible(), `${lab}: no caption`);
    assert.ok((await caption.innerText()).startsWith('4. '), `${lab}: ${await caption.innerText()}`);
    assert.ok((await caption.innerText()).includes(explanation.slice(0, 60)), `${lab}: the caption is not the step's explanation`);
    const inView = await caption.evaluate((c) => { const r = c.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; });
    assert.ok(inView, `${lab}: the caption is off screen`);
    assert.deepEqual(problems, [], lab);
    await context.close();
  }
  // Wide screens keep the inspector beside the diagram and show no caption.
  const wide = await open('tcp/', { viewport: { width: 1280, height: 800 } });
  assert.equal(await wide.page.isVisible('[data-testid=step-caption]'), false);
  assert.equal(await wide.page.isVisible('[data-testid=scroll-hint]'), false);
  await wide.context.close();
});

test('at 360 px the rate limiter\'s comparison table fits, Fairness column included', async () => {
  const { context, page, problems } = await open('ratelimit/', { viewport: { width: 360, height: 740 } });
  await page.waitForSelector('table.comparison');
  const [scroll, client] = await page.$eval('.table-scroll', (t) => [t.scrollWidth, t.clientWidth]);
  assert.ok(scroll <= client, `the table is ${scroll}px in a ${client}px box`);
  const fairness = await page.$eval('table.comparison th:last-child', (th) => {
    const r = th.getBoundingClientRect(), v = th.closest('.table-scroll').getBoundingClientRect();
    return [th.innerText, r.right <= v.right + 0.5];
  });
  assert.deepEqual(fairness, ['Fairness', true]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('at 360 px the JWT step controls are near the token: the decoded view starts folded, and says what it holds', async () => {
  const { context, page, problems } = await open('jwt/', { viewport: { width: 360, height: 740 } });
  await page.waitForSelector('[data-testid=step]');
  const gap = await page.evaluate(() => {
    const top = (s) => document.querySelector(s).getBoundingClientRect().top;
    return top('[data-testid=controls]') - top('[data-testid=input-token]');
  });
  assert.ok(gap < 740, `the controls are ${gap}px below the token`);
  assert.match(await page.innerText('[data-testid=decoded-summary]'), /^Decoded \d+ claims/);
  await page.click('[data-testid=decoded-summary]');
  assert.ok(await page.isVisible('[data-testid=payload-json]'));
  // The token box wraps: nothing of it runs past the edge.
  const [scroll, client] = await page.$eval('[data-testid=input-token]', (t) => [t.scrollWidth, t.clientWidth]);
  assert.ok(scroll <= client, `token box ${scroll} > ${client}`);
  assert.deepEqual(problems, []);
  await context.close();
  const wide = await open('jwt/', { viewport: { width: 1280, height: 800 } });
  assert.ok(await wide.page.isVisible('[data-testid=payload-json]'), 'open on a wide screen');
  await wide.context.close();
});

test('DNS: the caches panel shows what the selected step leaves, not what a later step stores at the same moment', async () => {
  const { context, page, problems } = await open('dns/');
  await page.waitForSelector('[data-testid=step]');
  const last = await page.locator('[data-testid=step]').count() - 1;
  const browserEntries = () => page.locator('[data-testid=cache-0] [data-testid=cache-entry]').count();
  await page.click(`[data-testid=step][data-step="${last - 1}"]`);
  assert.equal(await browserEntries(), 0, 'the browser has not cached the answer yet');
  await page.click(`[data-testid=step][data-step="${last}"]`);
  assert.equal(await browserEntries(), 1, 'the last step hands the answer to the browser, which keeps it');
  assert.deepEqual(problems, []);
  await context.close();
});

test('with site data blocked (reading localStorage throws) every page still works', async () => {
  const block = () => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
  };
  for (const path of ['', 'tcp/', 'dns/']) {
    const { context, page, problems } = await open(path, { init: block });
    await page.waitForSelector(path ? '[data-testid=step]' : '[data-testid=home]');
    await page.click('[data-testid=theme]');
    assert.match(await page.innerText('[data-testid=theme]'), /Theme: light/);
    if (path) {
      await page.click('[data-testid=next]');
      assert.match(await position(page), /^2 \//);
    }
    assert.deepEqual(problems, [], path);
    await context.close();
  }
});

test('no page load warns about an ignored integrity attribute, and claim times never split', async () => {
  for (const path of ['', 'tcp/', 'jwt/']) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const warnings = [];
    page.on('console', (m) => { if (/integrity/i.test(m.text())) warnings.push(m.text()); });
    await page.goto(server.base + path);
    await ready(page);
    await page.waitForTimeout(300);
    assert.deepEqual(warnings, [], path);
    if (path === 'jwt/') {
      await page.click('[data-testid=decoded-summary]');
      // Each short claim value (a time, a name) stays on one line.
      const split = await page.$$eval('[data-testid=claim] td.mono.short', (cells) => cells.filter((c) => {
        const r = document.createRange(); r.selectNodeContents(c);
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1;
      }).map((c) => c.innerText));
      assert.deepEqual(split, []);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `the page is ${width}px wide`);
    }
    await context.close();
  }
});
