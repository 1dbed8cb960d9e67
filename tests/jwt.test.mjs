// The JWT lab (in progress) in headless Chromium against the release build, from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watch, ready, openPage, openLab, summary, preset, edit } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (hash = '#/jwt', options = {}) => openLab(browser, server, hash, options);

test('a valid RS256 token: decoded, then verified step by step', async () => {
  const { context, page, problems } = await open();
  assert.match(await summary(page), /^Accepted: the API serves the request\./);
  assert.equal(await page.locator('[data-testid=token-part]').count(), 3);
  assert.match(await page.locator('[data-testid=header-json]').innerText(), /^\{\n {2}"alg": "RS256",\n {2}"typ": "JWT",\n {2}"kid": "auth-2026"\n\}$/);
  const exp = page.locator('[data-testid=claim]', { hasText: 'exp' });
  assert.match(await exp.innerText(), /2026-11-22 10:04:00 UTC[\s\S]*in 4 min/);
  const labels = await page.locator('[data-testid=step] .row-label').allTextContents();
  assert.deepEqual(labels.slice(0, 4), ['GET /orders, Authorization: Bearer …', 'header: alg RS256', 'payload: the claims', 'alg RS256: allowed']);
  assert.ok(labels.includes('signature: valid'));
  // The first step's bytes are the token, and its three parts are fields with their bytes.
  await page.click('[data-testid=step][data-step="0"]');
  const part = page.locator('[data-testid=field]', { hasText: 'Signature (base64url)' });
  await part.hover();
  assert.equal(await page.locator('[data-testid=hex] .byte.hl').count() > 0, true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a pasted Bearer header with a broken payload says exactly what is wrong', async () => {
  const { context, page, problems } = await open();
  const token = page.locator('[data-testid=input-token]');
  const text = await token.inputValue();
  const [h, p, s] = text.trim().split('.');
  await token.fill(`Authorization: Bearer ${h}.${p.slice(0, 10)}+${p.slice(11)}.${s}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=decode-error]'));
  assert.match(await page.locator('[data-testid=decode-error]').innerText(), /^Part 2 \(payload\) is not base64url: '\+' at character 11 is not allowed/);
  assert.match(await summary(page), /^Rejected at “cannot decode the token”: Part 2 \(payload\)/);
  assert.match(await token.inputValue(), /^Authorization: Bearer /, 'what was typed stays');
  assert.deepEqual(problems, []);
  await context.close();
});

test('each attack succeeds against the naive verifier and fails against the strict one', async () => {
  const { context, page, problems } = await open();
  for (const [id, strict] of [
    ['alg-none', /alg none is not accepted/],
    ['alg-confusion', /HS256 is not an allowed algorithm/],
    ['jwk-injection', /EdDSA is not an allowed algorithm/],
    ['stripped', /a RS256 signature is 256 bytes; this one is 0/],
    ['kid-injection', /HS256 is not an allowed algorithm/],
  ]) {
    await preset(page, id);
    assert.match(await summary(page), /^Accepted: the API serves the request\.\nThe fix: a strict verifier/, id);
    await edit(page);
    await page.selectOption('[data-testid=input-verifier]', 'strict');
    await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.startsWith('Rejected'));
    assert.match(await summary(page), strict, id);
  }
  await preset(page, 'tampered');
  assert.match(await summary(page), /the signature does not match/);
  await preset(page, 'expired');
  assert.match(await summary(page), /the token expired 2 h ago/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the HMAC secret never reaches the address bar or storage; the encoding changes the key', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'valid-hs256');
  assert.match(await summary(page), /^Accepted/);
  await page.waitForTimeout(400);
  const secret = await page.locator('[data-testid=input-secret]').inputValue();
  assert.ok(secret.length > 20);
  assert.ok(!decodeURIComponent(page.url()).includes(secret), 'not in the address bar');
  const stored = await page.evaluate(() => localStorage.getItem('wirelab.jwt.v1') || '');
  assert.ok(!stored.includes(secret), 'not in local storage');
  // A link carries the secret only when asked, after a warning.
  const output = page.locator('[data-testid=share-output]');
  const linkJson = async () => {
    await page.click('[data-testid=copy-link]');
    const link = await output.inputValue();
    const body = new URL(link).hash.split('s=')[1].split('&')[0];
    return Buffer.from(decodeURIComponent(body), 'base64url').toString('utf8');
  };
  await page.click('[data-testid=plain-link]');
  const plain = await linkJson();
  assert.match(plain, /"token":/);
  assert.ok(!plain.includes(secret), 'no secret in a link by default');
  await page.click('[data-testid=include-secrets]');
  assert.match(await page.locator('.share-options [role=alert]').innerText(), /Anyone with this link will see the secret values/);
  assert.ok((await linkJson()).includes(secret), 'the secret is in the link once asked for');
  // The same text read as UTF-8 instead of base64url is another key.
  await edit(page);
  await page.selectOption('[data-testid=input-secret_encoding]', 'utf8');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.startsWith('Rejected'));
  assert.match(await summary(page), /signature does not match/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('build and sign: edit the payload, sign with the secret, and the new token verifies', async () => {
  const { context, page, problems } = await open();
  // No private key is configured for RS256: signing says what is missing.
  await page.click('[data-testid=builder] summary');
  await page.click('[data-testid=build-sign]');
  assert.match(await page.locator('[data-testid=build-message]').innerText(), /RS256 needs an RSA key/);
  await preset(page, 'valid-hs256');
  if (!(await page.$eval('[data-testid=builder]', (d) => d.open))) await page.click('[data-testid=builder] summary');
  // Starting from the preset's token: change the subject, keep exp in the future, sign.
  await page.click('text=Start again from the token');
  const payload = page.locator('[data-testid=build-payload]');
  await payload.fill((await payload.inputValue()).replace('"alice"', '"bob"'));
  await page.click('[data-testid=add-exp]');
  const before = await page.locator('[data-testid=input-token]').inputValue();
  await page.click('[data-testid=build-sign]');
  await page.waitForFunction((b) => document.querySelector('[data-testid=input-token]').value !== b, before);
  assert.match(await summary(page), /^Accepted/);
  assert.match(await page.locator('[data-testid=payload-json]').innerText(), /"sub": "bob"/);
  // Broken JSON in the builder is pointed at and not signed.
  await payload.fill('{"sub": }');
  assert.match(await page.locator('[data-testid=builder] .field-error').nth(1).innerText(), /^the payload is not JSON \(line 1, column 9/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a weak HS256 secret is found by the dictionary attack in the page, which stays responsive', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'weak-secret');
  assert.match(await summary(page), /no HMAC secret is configured/);
  await page.click('[data-testid=crack-start]');
  // While it runs, the page still answers: the step controls move.
  await page.click('[data-testid=next]');
  assert.match(await page.locator('[data-testid=position]').innerText(), /^2 \//);
  await page.waitForFunction(() => document.querySelector('[data-testid=crack-status]').innerText.startsWith('Found'), null, { timeout: 60000 });
  const status = await page.locator('[data-testid=crack-status]').innerText();
  assert.match(status, /the secret is “Summer2025”\. It is 10 bytes; RFC 7518 section 3\.2/);
  assert.match(status, /\d+ candidates\/s/);
  await page.click('[data-testid=crack-use]');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.startsWith('Accepted'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('tokens in an application: refresh rotation catches a stolen refresh token', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'app-rotation');
  await page.waitForSelector('[data-testid=storage]');
  assert.match(await summary(page), /rotation on, reuse detection on\.\nWith rotation and reuse detection, the replayed refresh token revoked its family/);
  const labels = await page.locator('[data-testid=step] .row-label').allTextContents();
  for (const l of ['POST /login', '401: token expired', 'POST /token (refresh)', 'refresh with a stolen token', 'must log in again', 'POST /logout (revoke)']) {
    assert.ok(labels.includes(l), `${l} in ${labels.join(' | ')}`);
  }
  // The tokens on the wire are real JWTs: the login response's body holds two.
  await page.click(`[data-testid=step][data-step="${labels.indexOf('200: access + refresh tokens')}"]`);
  assert.match(await page.locator('.bytes-label').innerText(), /HTTP\/1\.1 message/);
  // Turn rotation off: the stolen token now works.
  await edit(page);
  await page.click('[data-testid=input-rotation]');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('Without rotation'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('generate keys off the main thread, export them, and sign with them', async () => {
  const { context, page, problems } = await open();
  await page.click('[data-testid=keytools] summary');
  for (const kind of ['RSA-2048', 'P-256', 'Ed25519']) {
    await page.selectOption('[data-testid=key-kind]', kind);
    await page.click('[data-testid=key-generate]');
    await page.waitForFunction(() => /generated in \d+ ms|failed/.test(document.querySelector('[data-testid=key-status]').innerText), null, { timeout: 60000 });
    assert.match(await page.locator('[data-testid=key-status]').innerText(), /generated in \d+ ms by the browser's WebCrypto/, kind);
  }
  // The Ed25519 pair is now the verifier's: export it, then sign a token with it.
  await page.click('[data-testid=export-public-pem]');
  assert.match(await page.locator('[data-testid=key-output]').inputValue(), /^-----BEGIN PUBLIC KEY-----\n/);
  await page.click('[data-testid=export-jwks]');
  const jwks = JSON.parse(await page.locator('[data-testid=key-output]').inputValue());
  assert.equal(jwks.keys[0].crv, 'Ed25519');
  assert.equal(jwks.keys[0].d, undefined, 'no private member in a JWKS');
  await page.click('[data-testid=builder] summary');
  await page.selectOption('[data-testid=build-alg]', 'EdDSA');
  await page.click('[data-testid=add-exp]');
  await page.click('[data-testid=build-sign]');
  await page.waitForFunction(() => document.querySelector('[data-testid=build-message]').innerText.startsWith('Signed'));
  await page.waitForFunction(() => document.querySelector('[data-testid=header-json]').innerText.includes('EdDSA'));
  // The preset's audience and issuer do not match this hand-made token's claims, so the
  // signature is what is asserted here.
  const labels = await page.locator('[data-testid=step] .row-label').allTextContents();
  assert.ok(labels.includes('signature: valid'), labels.join(' | '));
  assert.deepEqual(problems, []);
  await context.close();
});

test('no serious accessibility violation with every JWT panel open, in both themes', async () => {
  const fs = await import('node:fs');
  const { createRequire } = await import('node:module');
  const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  for (const scheme of ['light', 'dark']) {
    const { context, page } = await open('#/jwt', { colorScheme: scheme, bypassCSP: true });
    await preset(page, 'weak-secret');
    await page.click('[data-testid=builder] summary');
    await page.click('[data-testid=keytools] summary');
    await page.click('[data-testid=export-jwks]');
    await edit(page);
    await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate(async () => {
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, [], scheme);
    await context.close();
  }
});

test('the scenario fixes "now", and one click uses the real time instead', async () => {
  const { context, page, problems } = await open();
  assert.match(await page.locator('[data-testid=clock-note]').innerText(), /as of 2026-11-22 10:00:00 UTC \(fixed by this scenario/);
  await page.click('[data-testid=use-real-time]');
  await page.waitForFunction(() => document.querySelector('[data-testid=clock-note]').innerText.includes("by this browser's clock"));
  await edit(page);
  assert.equal(await page.locator('[data-testid=input-now]').inputValue(), '');
  // Against the real clock the built-in token's times are what they are; the verdict says so.
  assert.match(await summary(page), /^(Accepted|Rejected)/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('P-384 and P-521 code arrives on first use: a generated P-384 key signs ES384, and its link reopens at its step', async () => {
  const { context, page, problems, requests } = await open();
  const nist = () => requests.filter((u) => /\/ext\/nist-[0-9a-f]{16}(_bg\.wasm|\.js)$/.test(u));
  assert.deepEqual(nist(), [], 'the P-384 and P-521 code is not part of the page\'s first download');
  await page.click('[data-testid=keytools] summary');
  await page.selectOption('[data-testid=key-kind]', 'P-384');
  await page.click('[data-testid=key-generate]');
  await page.waitForFunction(() => /generated in \d+ ms|failed/.test(document.querySelector('[data-testid=key-status]').innerText), null, { timeout: 60000 });
  assert.match(await page.locator('[data-testid=key-status]').innerText(), /a P-384 private key generated in \d+ ms/);
  assert.equal(nist().length, 2, 'the extension\'s module and wasm, fetched once');
  await page.click('[data-testid=builder] summary');
  await page.selectOption('[data-testid=build-alg]', 'ES384');
  await page.click('[data-testid=add-exp]');
  await page.click('[data-testid=build-sign]');
  await page.waitForFunction(() => document.querySelector('[data-testid=header-json]').innerText.includes('ES384'));
  const labels = await page.locator('[data-testid=step] .row-label').allTextContents();
  assert.ok(labels.includes('signature: valid'), labels.join(' | '));
  // The link (public key and token; the private key stays here) opens in a fresh browser at
  // the signature's step, which exists only once the code has arrived there too.
  const at = labels.indexOf('signature: valid') + 1;
  await page.locator('[data-testid=step]').nth(at - 1).click();
  await page.waitForFunction((n) => new URL(location.href).hash.includes(`step=${n}`), at);
  const link = new URL(page.url());
  const other = await openPage(browser, server, link.pathname.replace(/^.*\/wirelab\//, '') + link.hash);
  await other.page.waitForFunction((n) => document.querySelector('[data-testid=position]')?.innerText.startsWith(`${n} /`)
    && [...document.querySelectorAll('[data-testid=step] .row-label')].length > n, at);
  assert.equal((await other.page.locator('[data-testid=step] .row-label').allTextContents())[at - 1], 'signature: valid');
  assert.deepEqual(other.problems, []);
  await other.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});
