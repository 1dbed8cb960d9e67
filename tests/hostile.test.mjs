// Hostile input through every lab (issue 15): a corpus of hostile values put in every field of
// every lab's scenario, through both link forms (s= plain, z= compressed) and by typing into
// every text field of each editor, then through the SVG and Mermaid exports. Nothing may run a
// script, open a dialog, request another origin, log a console error, panic or blank the page;
// what cannot be read is named in a banner or next to its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serve, launch, openPage } from './harness.mjs';

let server, browser, defaults;
before(async () => {
  // Each lab's default scenario, as the core writes it.
  defaults = JSON.parse(execFileSync('cargo', ['run', '--quiet', '-p', 'wirelab-core', '--example', 'scenario_defaults'], { cwd: new URL('..', import.meta.url), encoding: 'utf8' }));
  server = await serve();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.close(); });

// Markers a successful injection would leave.
const RUN = 'window.__pwned=1';
const TEXTS = [
  `<script>${RUN}</script>`,
  `"><img src=x onerror="${RUN}">`,
  `'><svg onload='${RUN}'><a xlink:href="javascript:${RUN}">x</a></svg>`,
  `</textarea></title><style>*{display:none}</style><script>${RUN}</script>`,
  `javascript:${RUN}`,
  `\u202eevil\u202c \u0000\u0007\u001b[31m \u2028\u2029 zero\u200bwidth`,
  `\ud800 lone \udfff surrogates`,
  '{{7*7}} ${7*7} %s%n%x <%= 7*7 %>',
  'A'.repeat(100000),
];
// Numbers at and beyond every limit: written raw into the JSON.
const NUMBERS = ['-1', '0', '1e309', '-1e309', '18446744073709551616', '9007199254740993', '1.5', '-0'];
// Of those, the ones no field accepts.
const BEYOND = new Set(['1e309', '-1e309', '18446744073709551616']);

const b64url = (buf) => Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const links = (lab, json) => [`${lab}/#/${lab}?s=${b64url(Buffer.from(json, 'utf8'))}`, `${lab}/#/${lab}?z=${b64url(zlib.deflateRawSync(Buffer.from(json, 'utf8')))}`];

/** The scenario with every string leaf set to `text` (keys and the version kept). */
function withStrings(value, text) {
  if (typeof value === 'string') return text;
  if (Array.isArray(value)) return value.map((v) => withStrings(v, text));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'v' ? v : withStrings(v, text)]));
  return value;
}

/** The scenario's JSON with every number (except the version) written as `raw`. */
/** Whether the scenario has a number other than its version. */
function hasNumbers(value, key) {
  if (typeof value === 'number') return key !== 'v';
  if (Array.isArray(value)) return value.some((x) => hasNumbers(x));
  if (value && typeof value === 'object') return Object.entries(value).some(([k, x]) => hasNumbers(x, k));
  return false;
}

function withNumbers(value, raw) {
  const mark = '\u0001NUMBER\u0001';
  const walk = (v, key) => {
    if (typeof v === 'number' && key !== 'v') return mark;
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return JSON.stringify(walk(value)).split(JSON.stringify(mark)).join(raw);
}

/** Checks nothing hostile happened on the page, and that it says something. */
async function unharmed(page, problems, dialogs, what, { mustComplain = false } = {}) {
  await page.waitForSelector('main#main > *', { timeout: 30000 });
  await page.waitForTimeout(50);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, `a script ran: ${what}`);
  assert.deepEqual(dialogs, [], `a dialog opened: ${what}`);
  assert.deepEqual(problems, [], what);
  const handlers = await page.evaluate(() => [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)).map((a) => `${e.tagName} ${a.name}`)));
  assert.deepEqual(handlers, [], `live markup: ${what}`);
  assert.equal(await page.locator('main#main style, main#main script, main#main img[src=x]').count(), 0, `markup reached the page: ${what}`);
  const text = (await page.locator('main#main').innerText()).trim();
  assert.ok(text.length > 0, `the page went blank: ${what}`);
  if (mustComplain) {
    const said = await page.locator('[data-testid=banner], .field-error, [data-testid=not-found]').allInnerTexts();
    assert.ok(said.some((t) => t.trim().length > 0), `nothing says what was wrong: ${what}`);
  }
}

async function fresh(path) {
  const opened = await openPage(browser, server, path);
  const dialogs = [];
  opened.page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return { ...opened, dialogs };
}

/** The SVG and Mermaid exports of what the page shows. */
async function exported(page) {
  const files = [];
  for (const id of ['export-svg', 'export-mermaid']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${id}]`)]);
    files.push({ id, text: fs.readFileSync(await download.path(), 'utf8') });
  }
  return files;
}

/** No element in an exported file carries script: text that looks like markup is escaped. */
function inert({ id, text }) {
  assert.ok(!/<script/i.test(text), `${id}: a script element`);
  assert.ok(!/<[a-z][^>]*\son[a-z]+\s*=/i.test(text), `${id}: an element with an event attribute`);
  assert.ok(!/<[a-z][^>]*(href|src)\s*=\s*["']?\s*javascript:/i.test(text), `${id}: a javascript: URL`);
  assert.ok(!/<foreignObject/i.test(text), `${id}: foreign content`);
}

test('dns: markup in a zone\'s TXT record is shown as text, and its exports carry it inert', async () => {
  const { context, page, problems, dialogs } = await fresh('dns/');
  await page.click('[data-testid=editor-summary]');
  await page.click('[data-testid="zone-example.com"] summary');
  const zone = page.locator('[data-testid="input-zone:example.com"]');
  const markup = `<svg onload='${RUN}'><script>${RUN}</script>`;
  await zone.fill(`${await zone.inputValue()}\nwww 300 TXT "${markup.replace(/"/g, '\\"')}"\n`);
  await page.locator('[data-testid=input-lookups]').fill('0 TXT www.example.com');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('TXT'));
  await page.locator('[data-testid=step]', { hasText: 'answer' }).first().click();
  await unharmed(page, problems, dialogs, 'a TXT record holding markup');
  assert.ok((await page.locator('main#main').innerText()).includes('<svg onload='), 'the TXT data is shown, as text');
  const files = await exported(page);
  for (const file of files) inert(file);
  assert.ok(files.some((f) => f.text.includes('svg onload')), 'the markup is in an export (escaped)');
  await context.close();
});

for (const lab of ['tcp', 'dns', 'jwt', 'ratelimit', 'tls', 'oauth', 'cache', 'http', 'cookies']) {
  test(`${lab}: hostile values in every field of a link, in both link forms`, async () => {
    const cases = [];
    for (const text of TEXTS) cases.push([`every string is ${JSON.stringify(text.slice(0, 40))}${text.length > 40 ? `… (${text.length} chars)` : ''}`, JSON.stringify(withStrings(defaults[lab], text)), text.length >= 100000]);
    // (A scenario with no number but its version, like the cookies lab's, has no number cases.)
    if (hasNumbers(defaults[lab])) for (const raw of NUMBERS) cases.push([`every number is ${raw}`, withNumbers(defaults[lab], raw), BEYOND.has(raw)]);
    cases.push(['nesting 100000 deep', '['.repeat(100000), true]);
    cases.push(['a scenario of another lab', JSON.stringify(defaults[lab === 'tcp' ? 'dns' : 'tcp']), true]);
    for (const [what, json, mustComplain] of cases) {
      for (const path of links(lab, json)) {
        // Chromium does not open an address over 2 MB (the TLS lab's many strings get there):
        // nothing of such a link reaches the page, so there is nothing to check.
        if (path.length > 2_000_000) continue;
        const { context, page, problems, dialogs } = await fresh(path);
        await unharmed(page, problems, dialogs, `${what} via ${path.includes('?s=') ? 's=' : 'z='}`, { mustComplain });
        await context.close();
      }
    }
    // Payloads that are not JSON at all, or not UTF-8, or too long for any link.
    for (const path of [
      `${lab}/#/${lab}?s=${b64url(Buffer.from([0xff, 0xfe, 0x7b, 0x22]))}`,
      `${lab}/#/${lab}?z=${b64url(Buffer.from('not deflate at all'))}`,
      `${lab}/#/${lab}?z=${b64url(zlib.deflateRawSync(Buffer.alloc(8 << 20, 0x20)))}`,
      `${lab}/#/${lab}?s=${'A'.repeat(1 << 20)}`,
      `${lab}/#/${lab}?s=%%%&step=%00&step=99999999999999999999999`,
      `${lab}/#/${encodeURIComponent('<img src=x onerror=' + RUN + '>')}`,
    ]) {
      const { context, page, problems, dialogs } = await fresh(path);
      await unharmed(page, problems, dialogs, path.slice(0, 80), { mustComplain: true });
      await context.close();
    }
  });

  test(`${lab}: hostile text typed into every field of the editor, and the exports stay inert`, async () => {
    const { context, page, problems, dialogs } = await fresh(`${lab}/`);
    if (!(await page.$eval('details.editor', (d) => d.open))) await page.click('[data-testid=editor-summary]');
    // The DNS lab loads its editor's form on first opening (src/lazy_editor.rs).
    await page.waitForSelector('details.editor [data-testid=editor]');
    await page.$$eval('details.editor details', (all) => all.forEach((d) => { d.open = true; }));
    const fields = page.locator('details.editor textarea, details.editor input:not([type=checkbox]):not([type=radio]):not([type=range])');
    const count = await fields.count();
    assert.ok(count > 0, 'the editor has text fields');
    for (const text of [TEXTS[0], TEXTS[1], TEXTS[2], TEXTS[5], 'A'.repeat(300000)]) {
      for (let i = 0; i < count; i++) {
        const field = fields.nth(i);
        if (!(await field.isEditable())) continue;
        await field.fill(text);
      }
      await unharmed(page, problems, dialogs, `typed ${JSON.stringify(text.slice(0, 30))} into ${count} fields`, { mustComplain: text.length > 100000 });
      // What was typed is kept, as typed.
      if (TEXTS.slice(0, 3).includes(text)) assert.equal(await fields.first().inputValue(), text, 'what was typed is kept');
    }
    // The exports of a scenario whose text fields hold markup carry no live script.
    const markup = TEXTS[2];
    const { page: p2, problems: pr2, dialogs: d2, context: c2 } = await fresh(links(lab, JSON.stringify(withStrings(defaults[lab], markup)))[0]);
    await unharmed(p2, pr2, d2, 'a link with markup in every string');
    if (lab !== 'ratelimit') for (const file of await exported(p2)) inert(file);
    await c2.close();
    await context.close();
  });
}

test('cookies, sessions part: hostile text typed into its every field (scheme, passwords, lifetimes) is named and kept', async () => {
  const { context, page, problems, dialogs } = await fresh('cookies/');
  await page.selectOption('[data-testid=preset]', 'sha256');
  if (!(await page.$eval('details.editor', (d) => d.open))) await page.click('[data-testid=editor-summary]');
  const fields = page.locator('details.editor textarea, details.editor input:not([type=checkbox]):not([type=radio]):not([type=range])');
  const count = await fields.count();
  assert.ok(count >= 10, `the sessions part's fields: ${count}`);
  for (const text of [TEXTS[0], TEXTS[1], TEXTS[2], TEXTS[5], 'A'.repeat(300000)]) {
    for (let i = 0; i < count; i++) {
      const field = fields.nth(i);
      if (!(await field.isEditable())) continue;
      await field.fill(text);
    }
    await unharmed(page, problems, dialogs, `typed ${JSON.stringify(text.slice(0, 30))} into ${count} fields`, { mustComplain: true });
    assert.equal(await page.locator('[data-testid="input-sessions_hash"]').inputValue(), text, 'what was typed is kept');
  }
  await context.close();
});
