// The cookies lab in headless Chromium against the release build, from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

test('passwords: hashed in a worker with progress, checked, reset once; each guess measured and turned into attack times', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'accounts');
  // The argon2id hashes (19 MiB, 2 passes) come from the worker; the run goes on as each arrives.
  await page.waitForFunction(() => /laptop: alice signs in \(200\)\.\nThe store holds/.test(document.querySelector('[data-testid=summary]').innerText), null, { timeout: 60_000 });
  const text = await summary(page);
  assert.match(text, /laptop: register alice: 201, Account alice created\./);
  assert.match(text, /laptop: alice signs in \(a wrong password\) \(401\)\./);
  assert.match(text, /laptop: refresh: 200, New access token\./);
  assert.match(text, /laptop: reset link used: 200, Password changed\.\nlaptop: reset link used: 400, This link has expired or was already used\./);
  assert.match(text, /phone: refresh: 401/);
  assert.match(text, /\(the password from before the reset\) \(401\)/);
  // (The status may still show SHA-256 being timed for a moment.)
  await page.waitForFunction(() => /Computed in a worker, off the page's thread: 4 password hashes, \d+ schemes? timed\./.test(document.querySelector('[data-testid=hash-status]').innerText));
  // The stored string is argon2id's PHC form, field by field, and verifies with the password.
  await page.locator('[data-testid=step]', { hasText: 'hash the password' }).first().click();
  const inspector = await page.locator('[data-testid=inspector]').innerText();
  assert.match(inspector, /algorithm\s+\$argon2id\s/);
  assert.match(inspector, /parameters\s+m=19456,t=2,p=1\s/);
  assert.match(inspector, /RFC 9106/);
  // The worker's wasm made exactly the hash the native core made for the golden trace (which
  // the password check remakes with the reference Argon2): same salt, same bytes.
  const golden = readFileSync(new URL('../core/tests/golden/cookies-accounts.txt', import.meta.url), 'utf8');
  const want = golden.match(/^  hash = (\S+)$/m)[1];
  assert.ok(inspector.includes(want), `${want} in ${inspector}`);
  // The reset mail is a real message, its link the token.
  await page.locator('[data-testid=step]', { hasText: 'mail: reset your password' }).click();
  assert.match(await page.locator('[data-testid=inspector]').innerText(), /e-mail message \(RFC 5322\)/);
  // The cost of a guess, measured here, beside SHA-256's.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cost-row]').length >= 2);
  const cost = await page.locator('[data-testid=password-cost]').innerText();
  assert.match(cost, /argon2id \(m=19456 KiB, t=2, p=1\) \(the app's\)\s+\d+ ms/);
  assert.match(cost, /SHA-256, unsalted/);
  // Every scheme at its recommended cost, on request.
  await page.click('[data-testid=measure-all]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cost-row]').length >= 4, null, { timeout: 60_000 });
  const all = await page.locator('[data-testid=password-cost]').innerText();
  assert.match(all, /bcrypt \(cost 10\)/);
  assert.match(all, /scrypt \(N=2\^17, r=8, p=1\)/);
  // bcrypt's stored string; a bad scheme is named beside its field and kept as typed.
  await preset(page, 'bcrypt');
  await page.waitForFunction(() => /laptop: alice signs in \(200\)/.test(document.querySelector('[data-testid=summary]').innerText), null, { timeout: 60_000 });
  await page.locator('[data-testid=step]', { hasText: 'hash the password' }).first().click();
  const bcrypt = await page.locator('[data-testid=inspector]').innerText();
  assert.match(bcrypt, /algorithm\s+\$2b\s/);
  assert.match(bcrypt, /cost\s+10\s/);
  const bgolden = readFileSync(new URL('../core/tests/golden/cookies-bcrypt.txt', import.meta.url), 'utf8');
  assert.ok(bcrypt.includes(bgolden.match(/^  hash = (\S+)$/m)[1]), 'the same bcrypt hash as the native core');
  // Unsalted, two accounts with the same password leak the same hash; salted, they do not.
  await preset(page, 'sha256');
  assert.match(await summary(page), /The store leaks: 2 accounts, 2 sharing a hash\./);
  await preset(page, 'leak');
  await page.waitForFunction(() => /The store leaks: 2 accounts, 0 sharing a hash\./.test(document.querySelector('[data-testid=summary]').innerText), null, { timeout: 60_000 });
  await edit(page);
  const scheme = page.locator('[data-testid="input-sessions_hash"]');
  await scheme.fill('md5');
  await page.waitForFunction(() => /not a scheme/.test(document.querySelector('[data-testid="error-sessions_hash"]')?.innerText || ''));
  assert.equal(await scheme.inputValue(), 'md5');
  await scheme.fill('bcrypt cost=40');
  await page.waitForFunction(() => /cost 4 to 16/.test(document.querySelector('[data-testid="error-sessions_hash"]')?.innerText || ''));
  // The passwords are secrets: out of a link unless asked for.
  const scenario = async () => {
    await page.click('[data-testid=copy-link]');
    const link = await page.inputValue('[data-testid=share-output]');
    return Buffer.from(new URL(link).hash.match(/[?&]s=([^&]+)/)[1], 'base64url').toString('utf8');
  };
  await page.check('[data-testid=plain-link]');
  assert.ok(!(await scenario()).includes('correct horse battery staple'));
  await page.check('[data-testid=include-secrets]');
  assert.ok((await scenario()).includes('correct horse battery staple'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the cookies lab passes axe in both themes', async () => {
  for (const scheme of ['light', 'dark']) {
    const { context, page, problems } = await open('cookies/', { colorScheme: scheme, bypassCSP: true });
    for (const id of ['jar', 'samesite', 'partitioned', 'sessions', 'jwt', 'sha256']) {
      await preset(page, id);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${scheme} ${id}`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});
