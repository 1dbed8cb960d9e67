// The DNS lab in headless Chromium against the release build, served from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, watch, ready, openLab, summary, preset, edit } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (hash = '#/dns', options = {}) => openLab(browser, server, hash, options);

const position = (page) => page.locator('[data-testid=position]').innerText();
const title = (page) => page.locator('#inspector-title').innerText();
/** Selects the first step whose label matches `pattern`. */
async function stepLabelled(page, pattern) {
  const labels = await page.locator('[data-testid=step] .row-label').allTextContents();
  const i = labels.findIndex((l) => pattern.test(l));
  assert.ok(i >= 0, `no step matches ${pattern}: ${labels.join(' | ')}`);
  await page.click(`[data-testid=step][data-step="${i}"]`);
  return i;
}

test('a cold lookup walks root, TLD and authoritative, with real bytes and the glue', async () => {
  const { context, page, problems } = await open();
  assert.equal(await position(page), '1 / 13');
  assert.match(await summary(page), /At 0 s: A www\.example\.com\. took 130 ms and 3 server queries → 93\.184\.216\.34\./);
  await stepLabelled(page, /referral: com\./);
  assert.match(await title(page), /response referral: com\. NS a\.gtld-servers\.net\./);
  assert.match(await page.locator('[data-testid=explanation]').innerText(), /glue in the additional section/);
  const fields = await page.locator('[data-testid=field] th').allInnerTexts();
  assert.ok(fields.includes('ARCOUNT') && fields.includes('Additional 1: RDATA'), fields.join(', '));
  // ID (2) + flags (2) + counts (8): the header is the first 12 bytes; QR is the top bit of byte 2.
  const flags = page.locator('[data-testid=field]').filter({ has: page.locator('th', { hasText: /^Flags$/ }) });
  await flags.hover();
  assert.equal((await page.locator('[data-testid=hex] .byte.hl').allInnerTexts()).length, 2);
  assert.ok(parseInt(await page.locator('[data-testid=hex] .byte[data-offset="2"]').innerText(), 16) & 0x80, 'QR set');
  // Each flag has its own row, on the byte that holds it: QR is in byte 2, RA in byte 3.
  const qr = page.locator('[data-testid=field]', { hasText: 'Flags: QR' });
  assert.match(await qr.innerText(), /^Flags: QR\s+1\s+a response/);
  await qr.hover();
  assert.deepEqual(await page.locator('[data-testid=hex] .byte.hl').evaluateAll((bs) => bs.map((b) => b.dataset.offset)), ['2']);
  await page.locator('[data-testid=field]', { hasText: 'Flags: RA' }).hover();
  assert.deepEqual(await page.locator('[data-testid=hex] .byte.hl').evaluateAll((bs) => bs.map((b) => b.dataset.offset)), ['3']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('pointing at a compression pointer outlines the name it points to', async () => {
  const { context, page, problems } = await open();
  await stepLabelled(page, /answer \(AA\)/);
  const pointer = page.locator('[data-testid=field]', { hasText: 'Answer 1: name: pointer' });
  assert.match(await pointer.innerText(), /→ offset 12/);
  await pointer.hover();
  // The pointer's two bytes are highlighted: c0 0c.
  assert.deepEqual(await page.locator('[data-testid=hex] .byte.hl').allInnerTexts(), ['c0', '0c']);
  // The question's name at offset 12 is outlined: 3www7example3com0 is 17 bytes.
  const outlined = await page.locator('[data-testid=hex] .byte.target').evaluateAll((bs) => bs.map((b) => Number(b.dataset.offset)));
  assert.deepEqual(outlined, Array.from({ length: 17 }, (_, k) => 12 + k));
  // And back: pointing at the pointer's own bytes (after the 17-byte name, type and class)
  // selects the pointer's field, and outlines its target.
  await page.locator('[data-testid=hex] .byte[data-offset="33"]').hover();
  assert.match(await page.locator('[data-testid=field].hl').innerText(), /Answer 1: name: pointer/);
  assert.equal(await page.locator('[data-testid=hex] .byte.target').count(), 17);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the caches over time: TTLs count down, entries expire, and a new lookup goes upstream', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'ttl');
  assert.match(await summary(page), /At 30 min: A www\.example\.com\. took 0 ms and 0 server queries/);
  assert.match(await summary(page), /At 1 h 10 min: A www\.example\.com\. took 50 ms and 1 server query/);
  await page.click('[data-testid=last]');
  // Move the clock to 20 min: the OS stub holds www for 3600 s from 0.125 s: 2400 s left.
  await page.locator('[data-testid=clock]').fill('1200');
  const stub = page.locator('[data-testid=cache-1] [data-testid=cache-entry]', { hasText: 'www.example.com.' });
  await stub.waitFor();
  assert.match(await stub.innerText(), /93\.184\.216\.34\s+2400 s left/);
  assert.equal(await page.locator('[data-testid=cache-0] [data-testid=cache-entry]').count(), 0, 'the browser kept it 60 s only');
  // At 1 h 1 min it has expired; the NS records of example.com (1 day) have not.
  await page.locator('[data-testid=clock]').fill('3660');
  await page.waitForFunction(() => !document.querySelector('[data-testid=cache-1]').innerText.includes('www.example.com.'));
  const resolver = await page.locator('[data-testid=cache-2]').innerText();
  assert.match(resolver, /example\.com\. NS/);
  assert.doesNotMatch(resolver, /www\.example\.com\. A/);
  // Ask again now: the lookup is added and goes upstream to the authoritative server only.
  await page.click('[data-testid=look-again]');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('At 1 h 1 min'));
  assert.match(await summary(page), /At 1 h 1 min: A www\.example\.com\. took 50 ms and 1 server query/);
  await edit(page);
  assert.match(await page.locator('[data-testid=input-lookups]').inputValue(), /^1h1m A www\.example\.com$/m);
  assert.match(await title(page), /browser cache miss/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('editing a zone validates each line, keeps what was typed, and the link carries the edit', async () => {
  const { context, page, problems } = await open();
  await edit(page);
  await page.click('[data-testid="zone-example.com"] summary');
  const zone = page.locator('[data-testid="input-zone:example.com"]');
  const text = await zone.inputValue();
  await zone.fill(text.replace('www 3600 A 93.184.216.34', 'www 3600 A 93.184.216.340'));
  const error = page.locator('[data-testid="error-zone:example.com"]');
  await error.waitFor({ state: 'visible' });
  assert.equal(await error.innerText(), 'line 4: “93.184.216.340” is not an IPv4 address like 192.0.2.1');
  assert.match(await zone.inputValue(), /93\.184\.216\.340/, 'what was typed stays');
  assert.match(await summary(page), /→ 93\.184\.216\.34\./, 'the last valid run stays');
  await zone.fill(text.replace('www 3600 A 93.184.216.34', 'www 3600 A 192.0.2.80'));
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('192.0.2.80'));
  assert.equal(await error.innerText(), '');
  // Lookup text: a bad line names itself.
  await page.locator('[data-testid=input-lookups]').fill('0 A www.example.com\nsoon A www.example.com');
  assert.match(await page.locator('[data-testid=error-lookups]').innerText(), /^line 2: “soon” is not a time/);
  await page.locator('[data-testid=input-lookups]').fill('0 A www.example.com');
  // The link carries the edited zone: a new context opens it as edited.
  await page.waitForTimeout(400);
  const link = page.url();
  const other = await browser.newContext();
  const again = await other.newPage();
  await again.goto(link);
  await ready(again);
  await again.waitForSelector('[data-testid=summary]');
  assert.match(await again.locator('[data-testid=summary]').innerText(), /→ 192\.0\.2\.80\./);
  await other.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test('over 512 bytes: TC set, then the TCP handshake and the answer after its two-byte length', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'tcp');
  await stepLabelled(page, /response truncated \(TC\)/);
  assert.match(await page.locator('[data-testid=explanation]').innerText(), /more than the 512 a UDP message may carry/);
  await stepLabelled(page, /TCP SYN to port 53/);
  await stepLabelled(page, /answer \(AA\) TXT .* over TCP/);
  const prefix = page.locator('[data-testid=field]', { hasText: 'DNS length prefix' });
  assert.match(await prefix.innerText(), /\d+ bytes follow/);
  await prefix.hover();
  const two = await page.locator('[data-testid=hex] .byte.hl').allInnerTexts();
  const bytes = await page.locator('[data-testid=hex] .byte').count();
  const label = await page.locator('.bytes-label').innerText();
  const total = Number(label.match(/(\d+) bytes/)[1]);
  assert.equal(two.length, 2);
  // The TCP header here is 20 bytes; the prefix counts what follows it.
  assert.equal(parseInt(two.join(''), 16), total - 22);
  assert.ok(bytes > 0);
  // The capture for Wireshark: UDP datagrams and the TCP segments (tshark checks their
  // contents in the test command).
  const [pcap] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-pcap]')]);
  assert.equal(pcap.suggestedFilename(), 'wirelab-dns.pcap');
  const file = fs.readFileSync(await pcap.path());
  assert.equal(file.readUInt32LE(0), 0xa1b2c3d4, 'pcap magic');
  let packets = 0;
  for (let at = 24; at < file.length; at += 16 + file.readUInt32LE(at + 8)) packets++;
  assert.equal(packets, 16, 'eight UDP datagrams, then four TCP segments for the resolver retry and four for the stub retry');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the poisoning scenarios: forged answers win against guessable IDs, lose against random ones', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'spoof-guessable');
  await page.waitForSelector('[data-testid=simplified]');
  assert.match(await summary(page), /At 0 s: A www\.example\.com\. .* → 203\.0\.113\.66\./);
  await stepLabelled(page, /accepts the forged/);
  await preset(page, 'spoof-random');
  assert.match(await summary(page), /At 0 s: A www\.example\.com\. .* → 93\.184\.216\.34\./);
  await stepLabelled(page, /drops forged answer 1/);
  assert.match(await page.locator('[data-testid=explanation]').innerText(), /Random IDs and random source ports/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('every built-in scenario runs and shows its steps', async () => {
  const { context, page, problems } = await open();
  const ids = await page.locator('[data-testid=preset] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(ids.length >= 16, ids.join(','));
  for (const id of ids) {
    await preset(page, id);
    assert.match(await position(page), /^1 \/ \d+$/, id);
    assert.ok((await summary(page)).length > 0, id);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('DNSSEC: the chain of trust from the root, and a forged answer refused', async () => {
  const { context, page, problems, requests } = await open();
  const ed25519 = () => requests.filter((u) => /\/ext\/ed25519-[0-9a-f]{16}(_bg\.wasm|\.js)$/.test(u));
  assert.deepEqual(ed25519(), [], 'the Ed25519 code is not part of the page\'s first download');
  await preset(page, 'dnssec');
  // Ed25519 arrives on first use, and the run starts again with DNSSEC.
  await page.waitForFunction(() => /validated \(AD\)/.test(document.querySelector('[data-testid=summary]').innerText));
  assert.equal(ed25519().length, 2, 'the extension\'s module and wasm, fetched once');
  await page.waitForSelector('[data-testid=simplified]');
  assert.match(await summary(page), /→ 93\.184\.216\.34, validated \(AD\)\./);
  assert.doesNotMatch(await summary(page), /still loading/);
  await stepLabelled(page, /^\. DNSKEY trusted/);
  assert.match(await page.locator('[data-testid=explanation]').innerText(), /trust anchor/);
  await stepLabelled(page, /^example\.com\. DNSKEY trusted/);
  assert.match(await page.locator('[data-testid=explanation]').innerText(), /The DS record for example\.com\., signed by com\./);
  await stepLabelled(page, /answer \(AA\) A 93\.184\.216\.34/);
  const fields = await page.locator('[data-testid=field] th').allInnerTexts();
  assert.ok(fields.some((f) => /^Answer 2: RDATA$/.test(f)), 'the RRSIG is the second answer record');
  assert.match(await page.locator('[data-testid=field]', { hasText: 'Answer 2: type' }).innerText(), /RRSIG/);
  assert.match(await page.locator('[data-testid=field]', { hasText: 'EDNS flags' }).innerText(), /DO=1/);
  await edit(page);
  assert.equal(await page.locator('[data-testid=input-dnssec]').isChecked(), true);
  await preset(page, 'dnssec-spoof');
  assert.match(await summary(page), /→ SERVFAIL\./);
  await stepLabelled(page, /bogus: the forged answer has no RRSIG/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the editor is a wasm of its own, fetched once when first opened; it follows presets and the page follows it', async () => {
  // No service worker: it would fetch the whole site in the background.
  const { context, page, problems } = await open('#/dns', { serviceWorkers: 'block' });
  const fetched = [];
  page.on('requestfinished', (r) => { if (/\/ext\/dnseditor-/.test(r.url())) fetched.push(r.url()); });
  // A preset picked before the editor is opened is what it shows when opened.
  await preset(page, 'warm');
  assert.deepEqual(fetched, [], 'not fetched before the editor is opened');
  await edit(page);
  const lookups = page.locator('[data-testid=input-lookups]');
  assert.equal(await lookups.inputValue(), '0 A www.example.com\n10s A www.example.com\n2m A www.example.com\n');
  assert.equal(fetched.filter((u) => u.endsWith('.wasm')).length, 1, fetched.join(', '));
  // A preset picked while it is open replaces what it shows.
  await preset(page, 'mx');
  await page.waitForFunction(() => document.querySelector('[data-testid=input-lookups]').value.startsWith('0 MX example.com'));
  // Typing in it runs the scenario typed; a wrong field marks the folded editor.
  await page.locator('[data-testid=input-lan_ms]').fill('25');
  // 25 ms each way to the resolver instead of 5: the cold MX lookup takes 40 ms more.
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('MX example.com. took 170 ms') && location.hash.includes('z='));
  assert.match(await page.locator('[data-testid=editor-summary]').innerText(), /25 ms to the resolver/);
  await page.locator('[data-testid=input-lan_ms]').fill('fast');
  await page.waitForSelector('details.editor.invalid');
  assert.match(await page.locator('[data-testid=error-lan_ms]').innerText(), /fast/);
  assert.match(await page.locator('.scenario-editor .hint').innerText(), /^1 field\(s\) need attention; the diagram shows the last valid scenario\.$/);
  await page.locator('[data-testid=input-lan_ms]').fill('5');
  await page.waitForFunction(() => !document.querySelector('details.editor.invalid'));
  // Closed and opened again, it is the same editor: nothing fetched again, nothing typed lost.
  await page.click('[data-testid=editor-summary]');
  await page.click('[data-testid=editor-summary]');
  assert.equal(await lookups.inputValue(), '0 MX example.com\n1s A mail.example.com\n');
  assert.equal(fetched.filter((u) => u.endsWith('.wasm')).length, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an editor that cannot be fetched says so, keeps the page working, and loads on a retry', async () => {
  // No service worker: it would serve the file from its cache.
  const { context, page } = await open('#/dns', { serviceWorkers: 'block' });
  await page.route('**/ext/dnseditor-*', (route) => route.abort());
  await page.click('[data-testid=editor-summary]');
  const failed = page.locator('[data-testid=editor-failed]');
  await failed.waitFor();
  assert.match(await failed.innerText(), /^The editor could not be loaded \(.+\)\. Check the connection, then try again\.$/);
  // The rest of the page still works.
  await preset(page, 'nxdomain');
  assert.match(await summary(page), /NXDOMAIN/);
  await page.unroute('**/ext/dnseditor-*');
  await failed.getByRole('button', { name: 'try again' }).click();
  await page.locator('[data-testid=input-lookups]').waitFor();
  assert.match(await page.locator('[data-testid=input-lookups]').inputValue(), /^0 A wwww\.example\.com$/m);
  await failed.waitFor({ state: 'hidden' });
  await context.close();
});

test('"look up again" at the lookup limit says why it added nothing', async () => {
  const { context, page, problems } = await open();
  await edit(page);
  const many = Array.from({ length: 20 }, (_, i) => `${i} A www.example.com`).join('\n');
  await page.locator('[data-testid=input-lookups]').fill(many);
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('At 19 s'));
  await page.click('[data-testid=look-again]');
  assert.equal(await page.locator('[data-testid=look-again-refused]').innerText(), 'A scenario has at most 20 lookups; remove one in the editor first.');
  await page.locator('[data-testid=input-lookups]').fill('0 A www.example.com');
  await page.waitForFunction(() => !document.querySelector('[data-testid=summary]').innerText.includes('At 19 s'));
  await page.click('[data-testid=look-again]');
  await page.waitForFunction(() => document.querySelector('[data-testid=look-again-refused]').innerText === '');
  assert.deepEqual(problems, []);
  await context.close();
});
