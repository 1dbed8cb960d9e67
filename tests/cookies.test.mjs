// The cookies lab in headless Chromium against the release build, from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openLab, summary, labels, preset, edit, fields, axeViolations } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (where = 'cookies/', options = {}) => openLab(browser, server, where, options);

test('the jar: cookies stored attribute by attribute, sent back, hidden from scripts, held back from another site\'s form', async () => {
  const { context, page, problems } = await open();
  const all = await labels(page);
  for (const want of ['GET /login', '200 OK · Set-Cookie ×2', 'GET /cart · 2 cookies', 'document.cookie', '10m later', 'POST /cart']) {
    assert.ok(all.some((l) => l.endsWith(want)), `${want} in ${all.join(' | ')}`);
  }
  const text = await summary(page);
  assert.match(text, /GET shop\.example\/cart \(typed in the address bar\): Cookie: sid=7f3a9c; theme=dark\./);
  assert.match(text, /document\.cookie on shop\.example: "theme=dark"\./);
  assert.match(text, /POST shop\.example\/cart \(a POST form on evil\.example\): no Cookie header\./);
  // The answer's bytes, and each attribute a field pointing into them.
  await page.locator('[data-testid=step]', { hasText: 'Set-Cookie ×2' }).click();
  const inspector = await page.locator('[data-testid=inspector]').innerText();
  assert.match(inspector, /Set-Cookie: sid=7f3a9c; Path=\/; Secure; HttpOnly; SameSite=Lax/);
  assert.match(inspector, /RFC 6265/);
  // The jar table at that step.
  assert.equal(await page.locator('[data-testid=jar-row]').count(), 2);
  assert.match(await page.locator('[data-testid=jar]').innerText(), /sid\s+7f3a9c\s+shop\.example\s+\/\s+session/);
  // The cross-site form: each cookie held back, with its reason.
  const post = await fields(page, 'POST /cart');
  assert.ok(post.some((f) => f.includes('sid') && f.includes('not sent')), post.join(' | '));
  assert.deepEqual(problems, []);
  await context.close();
});

test('SameSite against another site\'s link, form POST and image; Lax+POST for a fresh cookie without SameSite', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'samesite');
  const text = await summary(page);
  assert.match(text, /GET bank\.example\/ \(a link on news\.example\): Cookie: lax=1; none=1\./);
  assert.match(text, /POST bank\.example\/transfer \(a POST form on evil\.example\): Cookie: none=1\./);
  assert.match(text, /GET bank\.example\/logo\.png \(an image or fetch on evil\.example\): Cookie: none=1\./);
  await preset(page, 'lax-by-default');
  const lax = await summary(page);
  assert.match(lax, /POST bank\.example\/transfer \(a POST form on evil\.example\): Cookie: sid=1\.\n.*POST bank\.example\/transfer \(a POST form on evil\.example\): no Cookie header\./);
  // The browser's policy is a field: without Lax by default, the later POST carries it too.
  await edit(page);
  await page.locator('[data-testid="input-jar_lax_by_default"]').uncheck();
  await page.waitForFunction(() => !document.querySelector('[data-testid=summary]').innerText.includes('no Cookie header.\nGET bank'));
  assert.doesNotMatch(await summary(page), /evil\.example\): no Cookie header/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('refusals say why; a bad event line is named and kept as typed', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'refused');
  const text = await summary(page);
  assert.match(text, /Refused a: Domain=example is a public suffix/);
  assert.match(text, /Refused b: www\.shop\.example is not within Domain=bank\.example/);
  assert.match(text, /Refused c: SameSite=None without Secure/);
  await edit(page);
  const events = page.locator('[data-testid="input-jar_events"]');
  const typed = 'open https://shop.example/\nvisit https://shop.example/';
  await events.fill(typed);
  await page.waitForFunction(() => document.querySelector('[data-testid="error-jar_events"]')?.innerText.includes('line 2'));
  assert.match(await page.locator('[data-testid="error-jar_events"]').innerText(), /“visit” is not an event/);
  assert.equal(await events.inputValue(), typed);
  assert.deepEqual(problems, []);
  await context.close();
});

test('third-party cookies follow a person across sites; blocking and partitioning stop it', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'third-party');
  assert.match(await summary(page), /GET tracker\.example\/pixel\.gif \(an image or fetch on shop\.example\): Cookie: uid=u-4821\./);
  await preset(page, 'third-party-blocked');
  assert.match(await summary(page), /Refused uid: third-party cookies are blocked/);
  await preset(page, 'partitioned');
  const text = await summary(page);
  assert.match(text, /GET chat\.example\/ \(a frame in shop\.example\): no Cookie header\./);
  assert.match(text, /GET chat\.example\/ \(a frame in news\.example\): Cookie: __Host-chat=n1\./);
  // At the last step the jar holds one cookie for each top-level site.
  await page.locator('[data-testid=step]').last().click();
  assert.equal(await page.locator('[data-testid=jar-row]').count(), 2);
  assert.match(await page.locator('[data-testid=jar]').innerText(), /https:\/\/news\.example[\s\S]*https:\/\/shop\.example/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('sessions: two devices, logout and sign out everywhere, with the store\'s keys and real RESP bytes', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'sessions');
  const text = await summary(page);
  assert.match(text, /laptop: GET \/account: 401, Sign in first: no session cookie came with the request\./);
  assert.match(text, /phone: GET \/account: 200/);
  assert.match(text, /phone: sign out everywhere: 200, Signed out of 1 session\./);
  // The session store is a lane; its commands are Redis's own protocol.
  await page.locator('[data-testid=step]', { hasText: 'SET · SADD' }).first().click();
  const inspector = await page.locator('[data-testid=inspector]').innerText();
  assert.match(inspector, /Redis commands \(RESP\)/);
  assert.match(inspector, /SET session:[0-9a-f]{32} \{"user":"alice","created":0\} EX 1800/);
  assert.equal(await page.locator('[data-testid=jar]').count(), 0, 'no single jar table: each browser has its lane');
  assert.deepEqual(problems, []);
  await context.close();
});

test('attacks: fixation, CSRF, XSS and sniffing each shown failing and working, by the setting that decides it', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'fixation');
  assert.match(await summary(page), /Replay of the stolen cookie: 401/);
  await preset(page, 'fixation-open');
  assert.match(await summary(page), /Replay of the stolen cookie: 200, \/account: alice's page: the attacker is in\./);
  await preset(page, 'csrf-lax');
  const csrf = await summary(page);
  assert.match(csrf, /CSRF from evil\.example \(POST \/transfer\): 401/);
  assert.match(csrf, /CSRF from evil\.example \(GET \/transfer\?to=mallory&amount=100\): 200, Sent 100 from alice to mallory: the attack worked\./);
  // The CSRF token setting: on, the same GET is refused.
  await edit(page);
  await page.locator('[data-testid="input-sessions_csrf_token"]').check();
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('GET /transfer?to=mallory&amount=100): 403'));
  await preset(page, 'xss');
  assert.match(await summary(page), /XSS on the laptop: the session cookie was read and sent to evil\.example\./);
  await preset(page, 'xss-httponly');
  assert.match(await summary(page), /Replay: the attacker had nothing\./);
  await preset(page, 'sniff');
  assert.match(await summary(page), /the session cookie was read off the wire \(plain http\)/);
  // The JWT variant: logout cannot end a stolen token, and the token links to the JWT lab.
  await preset(page, 'jwt');
  assert.match(await summary(page), /laptop: logout \(200\)\.\nReplay of the stolen cookie: 200/);
  await page.locator('[data-testid=step]', { hasText: '200 OK' }).first().click();
  const href = await page.locator('[data-testid=inspector] a', { hasText: "Wirelab's JWT lab" }).getAttribute('href');
  assert.match(href, /^\.\.\/jwt\/#\/jwt\?s=/);
  // A bad timeout is named beside its field and kept as typed.
  await edit(page);
  const idle = page.locator('[data-testid="input-sessions_idle"]');
  await idle.fill('30 minutes');
  await page.waitForFunction(() => document.querySelector('[data-testid="error-sessions_idle"]')?.innerText.trim());
  assert.equal(await idle.inputValue(), '30 minutes');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the cookies lab passes axe in both themes', async () => {
  for (const scheme of ['light', 'dark']) {
    const { context, page, problems } = await open('cookies/', { colorScheme: scheme, bypassCSP: true });
    for (const id of ['jar', 'samesite', 'partitioned', 'sessions', 'jwt']) {
      await preset(page, id);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${scheme} ${id}`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});
