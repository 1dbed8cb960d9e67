// The OAuth lab in headless Chromium against the release build, from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openLab, summary, labels, preset, edit, fields } from './harness.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (where = 'oauth/', options = {}) => openLab(browser, server, where, options);

test('the default sign-in: discovery, the redirect with its parameters decoded, the code, the tokens, the ID token checked', async () => {
  const { context, page, problems } = await open();
  const all = await labels(page);
  for (const want of ['GET discovery', 'GET /authorize', '200 login page', '200 consent page', '302 back with a code', 'state matches', 'POST /token', 'code redeemed', 'ID token valid', '200 photos', '302 signed in as alice']) {
    assert.ok(all.includes(want), `${want} in ${all.join(' | ')}`);
  }
  assert.match(await summary(page), /Signed in as alice/);
  // The authorization request: each query parameter decoded, with its bytes.
  const authorize = await fields(page, 'GET /authorize');
  for (const name of ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method']) {
    assert.ok(authorize.some((f) => f.trim().startsWith(name)), `${name} in ${authorize.join(' | ')}`);
  }
  assert.ok(authorize.some((f) => f.includes('https://app.example.com/callback')), 'redirect_uri shown decoded');
  // The token request carries Basic credentials, decoded.
  const token = await fields(page, 'POST /token');
  assert.ok(token.some((f) => f.includes('Basic credentials') && f.includes('photo-app:')), token.join(' | '));
  assert.ok(token.some((f) => f.trim().startsWith('code_verifier')));
  // The ID token's checks, numbered as OpenID Connect Core 3.1.3.7 numbers them.
  const checks = await fields(page, 'ID token valid');
  for (const name of ['6. signature', '2. iss', '3. aud', '9. exp', '10. iat', '11. nonce', 'at_hash']) {
    assert.ok(checks.some((f) => f.startsWith(name) && f.includes('✓')), `${name} in ${checks.join(' | ')}`);
  }
  // What Alice sees: the consent screen as a page, and at the end the signed-in app.
  await page.locator('[data-testid=step]', { hasText: '200 consent page' }).first().click();
  assert.equal(await page.locator('[data-testid=screen-title]').innerText(), 'photo-app wants to:');
  assert.match(await page.locator('[data-testid=screen]').innerText(), /What Alice's browser shows[\s\S]*See your photos[\s\S]*Allow/);
  await page.click('[data-testid=last]');
  assert.match(await page.locator('[data-testid=screen]').innerText(), /Signed in as alice/);
  // Real bytes: the hex view shows the HTTP message.
  await page.locator('[data-testid=step]', { hasText: 'GET /authorize' }).first().click();
  assert.match(await page.locator('[data-testid=inspector]').innerText(), /HTTP\/1\.1/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('every built-in scenario runs, and each attack ends as its defence says', async () => {
  const { context, page, problems } = await open();
  const ids = await page.$$eval('[data-testid=preset] option', (o) => o.map((x) => x.value).filter(Boolean));
  assert.ok(ids.length >= 30, ids.join());
  const expect = {
    'login-csrf': '302 signed in as mallory',
    'login-csrf-state': 'state mismatch: refused',
    'code-interception': 'POST /token (attacker)',
    'code-interception-pkce': 'refused: invalid_grant',
    'code-replay': 'refused: invalid_grant',
    'redirect-mismatch': '400 error page (no redirect)',
    'wrong-secret': '401 invalid_client',
    'consent-denied': '302 back with access_denied',
    'insufficient-scope': '403 insufficient_scope',
    'refresh-rotation': '200 revoked',
    'refresh-theft': '200 active: false',
    'refresh-theft-no-rotation': 'POST /token refresh (attacker)',
    'client-credentials': 'POST /token client_credentials',
    'device-code': '400 authorization_pending',
    'device-slow-down': '400 slow_down',
    'implicit': '302 with the token in the URL',
    'password': 'POST /login (to the app)',
    'code-expired': 'refused: invalid_grant',
    'pkce-plain': 'POST /token (attacker)',
    'pkce-plain-s256': 'signed in as alice',
    'wrong-audience': '401 refused',
    'wrong-audience-unchecked': '302 attacker signed in as alice',
    'id-token-replay': '401 refused',
    'id-token-replay-no-nonce': '302 attacker signed in as alice',
    'open-redirect-prefix': '302 to evil.example',
    'open-redirect-subdomain': 'GET the attacker\'s page with the code',
    'open-redirect-exact': '400 error page (no redirect)',
    'open-redirect-web': 'refused: invalid_grant',
    'mix-up': 'iss mismatch: refused',
    'mix-up-unchecked': 'POST /token (to Evil ID)',
  };
  for (const id of ids) {
    await preset(page, id);
    const all = await labels(page);
    assert.ok(all.length > 3, id);
    if (expect[id]) assert.ok(all.includes(expect[id]), `${id}: ${all.join(' | ')}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('editing: dropping a scope gives a 403, a bad redirect URI is named and kept, menus change the flow, by keyboard too', async () => {
  const { context, page, problems } = await open();
  await edit(page);
  await page.fill('[data-testid=input-scope]', 'openid profile');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=step] .row-label')].some((e) => e.textContent === '403 insufficient_scope'));
  await page.fill('[data-testid=input-redirect_uris]', 'app.example.com/callback');
  await page.waitForSelector('[data-testid=error-redirect_uris]:not(:empty)');
  assert.match(await page.locator('[data-testid=error-redirect_uris]').innerText(), /absolute/);
  assert.equal(await page.inputValue('[data-testid=input-redirect_uris]'), 'app.example.com/callback');
  await page.fill('[data-testid=input-redirect_uris]', 'https://app.example.com/callback');
  await page.waitForFunction(() => document.querySelector('[data-testid=error-redirect_uris]').innerText === '');
  // A single-page app without PKCE against an interception: the attacker reads the photos.
  await page.selectOption('[data-testid=input-client]', 'spa');
  await page.selectOption('[data-testid=input-pkce]', 'off');
  await page.focus('[data-testid=input-attack]');
  await page.selectOption('[data-testid=input-attack]', 'code-interception');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=step] .row-label')].some((e) => e.textContent === 'POST /token (attacker)'));
  assert.match(await summary(page), /The attacker redeemed the intercepted code/);
  // Every control of the editor has an accessible name.
  const unnamed = await page.$$eval('details.editor input, details.editor select, details.editor textarea', (els) => els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('refresh: rotation, reuse detection revoking the family, introspection seeing it; and the device flow by its menu', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'refresh-theft');
  const all = await labels(page);
  const i = all.indexOf('POST /token refresh (attacker)');
  assert.ok(i > 0 && all[i + 1] === 'refused: invalid_grant', all.join(' | '));
  const reuse = await fields(page, 'refused: invalid_grant');
  assert.ok(reuse.some((f) => f.includes('already used once')), reuse.join(' | '));
  assert.match(await page.locator('[data-testid=explanation]').innerText(), /revokes family/);
  assert.equal(all[all.length - 1], '401 invalid_token');
  // The flow menu: the device grant, with its codes decoded from the JSON and the polls.
  await edit(page);
  await page.selectOption('[data-testid=input-flow]', 'device-code');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=step] .row-label')].some((e) => e.textContent === '200 device and user codes'));
  await page.fill('[data-testid=input-device_poll_s]', '2');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=step] .row-label')].some((e) => e.textContent === '400 slow_down'));
  await page.fill('[data-testid=input-device_poll_s]', '0');
  await page.waitForSelector('[data-testid=error-device_poll_s]:not(:empty)');
  assert.equal(await page.inputValue('[data-testid=input-device_poll_s]'), '0');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the client secret stays out of a link unless asked for', async () => {
  const { context, page, problems } = await open();
  const scenario = async () => {
    await page.click('[data-testid=copy-link]');
    const link = await page.inputValue('[data-testid=share-output]');
    return Buffer.from(new URL(link).hash.match(/[?&]s=([^&]+)/)[1], 'base64url').toString('utf8');
  };
  await page.check('[data-testid=plain-link]');
  const without = await scenario();
  assert.ok(without.includes('"scope"'), without);
  assert.ok(!without.includes('7Fjfp0ZBr1KtDRbnfVdmIw'), without);
  await page.check('[data-testid=include-secrets]');
  assert.ok((await scenario()).includes('7Fjfp0ZBr1KtDRbnfVdmIw'));
  assert.deepEqual(problems, []);
  await context.close();
});
