// The TLS lab in headless Chromium against the release build, from a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, ROOT, openLab, summary, labels, preset, edit } from './harness.mjs';

const VECTORS = JSON.parse(fs.readFileSync(path.join(ROOT, 'core/tests/vectors/rfc8448_simple_1rtt.json'), 'utf8'));

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (where = 'tls/', options = {}) => openLab(browser, server, where, options);
async function exportedTrace(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')]);
  return JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
}

test('the default connection: TCP, one TLS round trip, encrypted data, and the key schedule', async () => {
  const { context, page, problems } = await open();
  const all = await labels(page);
  assert.deepEqual(all.slice(0, 5), ['TCP SYN', 'TCP SYN, ACK', 'TCP ACK', 'ClientHello', 'ServerHello']);
  assert.ok(all.includes('{EncryptedExtensions, Certificate, CertificateVerify, Finished}'));
  assert.ok(all.includes('{application data}: request'));
  assert.match(await summary(page), /The handshake took one round trip: the client's request left 0\.100 s after its first ClientHello, 0\.200 s after the first SYN/);
  assert.match(await summary(page), /Negotiated TLS_AES_128_GCM_SHA256 with x25519/);
  // The key schedule: every value, and the ones the selected step derives are marked.
  const rows = page.locator('[data-testid=key-schedule] li');
  assert.equal(await rows.count(), 21);
  // Drawn as RFC 8446's tree: each value under the one it comes from.
  const under = (child, parent) => page.locator(`[data-testid=schedule-${parent}] > ol > [data-testid=schedule-${child}]`).count();
  assert.equal(await under('derived_for_handshake', 'early_secret'), 1);
  assert.equal(await under('handshake_secret', 'derived_for_handshake'), 1);
  assert.equal(await under('client_handshake_key', 'client_handshake_traffic_secret'), 1);
  assert.equal(await under('server_finished_key', 'server_handshake_traffic_secret'), 1);
  assert.equal(await under('exporter_master_secret', 'master_secret'), 1);
  assert.equal(await page.locator('[data-testid=key-schedule] li.current').count(), 0);
  await page.locator('[data-testid=step]', { hasText: 'Server derives the handshake keys' }).click();
  assert.equal(await page.locator('[data-testid=schedule-handshake_secret]').getAttribute('aria-current'), 'step');
  assert.equal(await page.locator('[data-testid=schedule-master_secret]').getAttribute('aria-current'), 'false');
  // A record: its header, ciphertext and tag have byte ranges; its nonce and AAD are shown.
  await page.locator('[data-testid=step]', { hasText: '{application data}: request' }).click();
  const fields = await page.locator('[data-testid=field]').allInnerTexts();
  for (const name of ['content_type', 'encrypted_record', 'authentication tag', 'nonce', 'additional data', 'inner plaintext']) {
    assert.ok(fields.some((f) => f.startsWith(name)), `${name} in ${fields.join(' | ')}`);
  }
  assert.equal(await page.locator('[data-testid=schedule-client_application_key]').getAttribute('aria-current'), 'step', 'the record marks the key it uses');
  await page.locator('[data-testid=field]', { hasText: 'authentication tag' }).hover();
  assert.equal(await page.locator('[data-testid=hex] .byte.hl').count(), 16, 'the tag is 16 bytes');
  assert.deepEqual(problems, []);
  await context.close();
});

test('RFC 8448\'s inputs give RFC 8448\'s bytes in the browser', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'rfc8448');
  const trace = await exportedTrace(page);
  const bytes = (label) => trace.steps.find((s) => s.label === label).bytes;
  assert.equal(bytes('ClientHello'), VECTORS.client_hello_record);
  assert.equal(bytes('ServerHello'), VECTORS.server_hello_record);
  assert.equal(bytes('{EncryptedExtensions, Certificate, CertificateVerify, Finished}'), VECTORS.record_server_handshake_flight_encrypted);
  assert.equal(bytes('{Finished}'), VECTORS.record_client_finished_encrypted);
  assert.equal(bytes('{application data}: request'), VECTORS.record_client_appdata_encrypted);
  assert.equal(bytes('{application data}: response'), VECTORS.record_server_appdata_encrypted_seq1);
  assert.equal(await page.locator('[data-testid=schedule-master_secret] > code').innerText(), VECTORS.master_secret);
  assert.equal(await page.locator('[data-testid=schedule-client_handshake_traffic_secret] > code').innerText(), VECTORS.client_handshake_traffic_secret);
  // The key log Wireshark reads, and the capture it decrypts.
  const download = async (id) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=export-${id}]`)]);
    return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
  };
  const keys = await download('keylog');
  assert.equal(keys.name, 'wirelab-tls.keys');
  const random = VECTORS.client_hello_handshake.slice(12, 76);
  assert.ok(keys.bytes.toString('utf8').includes(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${random} ${VECTORS.client_handshake_traffic_secret}\n`));
  assert.equal(keys.bytes.toString('utf8').trim().split('\n').length, 5);
  const pcap = await download('pcap');
  assert.equal(pcap.name, 'wirelab-tls.pcap');
  assert.equal(pcap.bytes.readUInt32LE(0), 0xa1b2c3d4, 'a pcap file');
  assert.equal(pcap.bytes.readUInt32LE(20), 101, 'of raw IPv4 packets');
  assert.ok(pcap.bytes.includes(Buffer.from(VECTORS.record_client_appdata_encrypted, 'hex')), 'carrying the records');
  assert.deepEqual(problems, []);
  await context.close();
});

test('editing: a bad suite name is named and kept, and the server\'s preference decides', async () => {
  const { context, page, problems } = await open();
  await edit(page);
  const suites = page.locator('[data-testid=input-server_suites]');
  await suites.fill('TLS_CHACHA20_POLY1305_SHA256, TLS_NOT_A_SUITE');
  await page.waitForFunction(() => document.querySelector('[data-testid=error-server_suites]').innerText.length > 0);
  assert.equal(await page.locator('[data-testid=error-server_suites]').innerText(), '“TLS_NOT_A_SUITE” is not a cipher suite this lab\'s server runs (TLS 1.3\'s, or TLS 1.2\'s with ECDHE or RSA and AES-GCM or ChaCha20-Poly1305)');
  assert.equal(await suites.inputValue(), 'TLS_CHACHA20_POLY1305_SHA256, TLS_NOT_A_SUITE', 'what was typed stays');
  await suites.fill('TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('CHACHA20'));
  assert.match(await summary(page), /Negotiated TLS_CHACHA20_POLY1305_SHA256/);
  // A private key typed in is a secret: not in the address bar.
  await page.click('details.advanced summary');
  const key = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
  await page.locator('[data-testid=input-client_key]').fill(key);
  await page.waitForTimeout(400);
  assert.ok(!decodeURIComponent(page.url()).includes(key), 'the private key is not in the address bar');
  const stored = await page.evaluate(() => localStorage.getItem('wirelab.tls.v1') || '');
  assert.ok(!stored.includes(key), 'nor in local storage');
  assert.deepEqual(problems, []);
  await context.close();
});

test('no common suite: the server answers with a handshake_failure alert, and no keys exist', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'no-common-suite');
  const all = await labels(page);
  assert.equal(all.at(-1), 'alert: handshake_failure');
  assert.match(await summary(page), /The handshake failed: None of the client's cipher suites is a TLS 1\.3 suite the server accepts/);
  assert.equal(await page.locator('[data-testid=key-schedule] li').count(), 0);
  assert.match(await page.locator('[data-testid=key-schedule]').innerText(), /failed before any key was derived/);
  await page.click('[data-testid=last]');
  const fields = await page.locator('[data-testid=field]').allInnerTexts();
  assert.ok(fields.some((f) => /^description\s+handshake_failure \(40\)/.test(f)), fields.join(' | '));
  assert.deepEqual(problems, []);
  await context.close();
});

test('resumption with 0-RTT: a PSK instead of a certificate, and a replay that runs the request twice', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'zero-rtt');
  let all = await labels(page);
  assert.ok(all.includes('{early data} (0-RTT)'));
  assert.ok(all.includes('{EndOfEarlyData}'));
  assert.ok(all.includes('{EncryptedExtensions, Finished}'), 'no certificate when the PSK is accepted');
  assert.match(await summary(page), /0-RTT: the client sent its request with the ClientHello/);
  assert.equal(await page.locator('[data-testid=schedule-binder_key]').count(), 1, 'the early secrets are in the schedule');
  await preset(page, 'zero-rtt-replay');
  all = await labels(page);
  assert.equal(all.at(-1), 'Server processes the replayed 0-RTT request again');
  assert.ok(all.includes('{early data} (replayed)'));
  // The same scenario against single-use tickets: refused.
  await edit(page);
  await page.check('[data-testid=input-anti_replay]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=step] .row-label')].some((e) => e.textContent.startsWith('Server refuses the replay')));
  assert.match(await summary(page), /Replay: This server lets each ticket carry 0-RTT data once/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('certificates: the chain decoded field by field, and an expired one refused with the browser\'s error', async () => {
  const { context, page, problems } = await open();
  let all = await labels(page);
  assert.ok(all.includes('Certificate 1 of 2: CN=example.com'));
  assert.ok(all.includes('Certificate 2 of 2: CN=Wirelab Lab Issuing CA'));
  await page.locator('[data-testid=step]', { hasText: 'Certificate 1 of 2' }).click();
  const fields = await page.locator('[data-testid=field]').allInnerTexts();
  assert.ok(fields.some((f) => /^subject alternative names\s+DNS:example\.com, DNS:www\.example\.com/.test(f)), fields.join(' | '));
  await page.locator('[data-testid=field]', { hasText: 'not after' }).hover();
  assert.equal(await page.locator('[data-testid=hex] .byte.hl').count(), 15, 'a UTCTime: tag, length and 13 characters');
  // Break the chain from the editor: expired.
  await edit(page);
  await page.selectOption('[data-testid=input-chain_problem]', 'expired');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('refused'));
  assert.match(await summary(page), /The client refused the server's certificate: CN=example\.com is valid now .* fails\. A browser shows NET::ERR_CERT_DATE_INVALID; the connection ends with a certificate_expired alert/);
  all = await labels(page);
  assert.equal(all.at(-1), '{alert}: certificate_expired');
  // A sound chain, and the client's clock moved past its end: the same refusal.
  await page.selectOption('[data-testid=input-chain_problem]', 'none');
  await page.waitForFunction(() => !document.querySelector('[data-testid=summary]').innerText.includes('refused'));
  await page.fill('[data-testid=input-now]', '2027-02-01 09:00');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('refused'));
  assert.match(await summary(page), /CN=example\.com is valid now \(from 2026-10-23 10:00:00 UTC to 2027-01-21 10:00:00 UTC\) fails/);
  await page.fill('[data-testid=input-now]', 'next tuesday');
  assert.match(await page.locator('[data-testid=error-now]').innerText(), /is not a time/);
  assert.equal(await page.inputValue('[data-testid=input-now]'), 'next tuesday');
  assert.deepEqual(problems, []);
  await context.close();
});

test('revocation: OCSP on the CA\'s lane costs time and privacy, stapling costs neither, a revoked certificate is refused, soft-fail lets it through', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'revoked-ocsp');
  let all = await labels(page);
  const at = (label) => all.indexOf(label);
  assert.ok(at('Client checks the certificate chain') < at('OCSP request'), all.join(' | '));
  assert.ok(at('OCSP request') < at('200: the OCSP response (332 bytes)') && at('200: the OCSP response (332 bytes)') < at('Client checks revocation'), all.join(' | '));
  assert.equal(all.at(-1), '{alert}: certificate_revoked');
  const lanes = await page.locator('[data-testid=timeline] .lane-detail').allTextContents();
  assert.ok(lanes.includes('ocsp.lab.example, 80 ms away'), lanes.join(' | '));
  assert.match(await summary(page), /160 ms before the handshake could go on; the CA learned which site this client visits/);
  assert.match(await summary(page), /NET::ERR_CERT_REVOKED; the connection ends with a certificate_revoked alert/);
  // The OCSP response's status, decoded from its DER inside the HTTP response.
  await page.locator('[data-testid=step]', { hasText: '200: the OCSP response' }).click();
  let fields = await page.locator('[data-testid=field]').allInnerTexts();
  assert.ok(fields.some((f) => /^cert status\s+revoked at 2026-11-20 10:00:00 UTC \(keyCompromise\)/.test(f)), fields.join(' | '));
  await page.locator('[data-testid=field]', { hasText: 'cert status' }).hover();
  assert.ok(await page.locator('[data-testid=hex] .byte.hl').count() > 20, 'the status field points at its bytes');
  // From the editor: the same certificate, stapled instead. No CA lane, no time lost.
  await edit(page);
  await page.selectOption('[data-testid=input-revocation]', 'stapled');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('stapled'));
  all = await labels(page);
  assert.ok(!all.includes('OCSP request'));
  assert.ok(all.includes('The stapled OCSP response'));
  assert.match(await summary(page), /reading the OCSP response the server stapled; no extra round trip; the CA learned nothing/);
  assert.equal(all.at(-1), '{alert}: certificate_revoked');
  // Soft-fail: the responder blocked, the revoked certificate gets through after the wait.
  await preset(page, 'ocsp-soft-fail');
  all = await labels(page);
  assert.ok(all.includes('TCP SYN to ocsp.lab.example: no answer'), all.join(' | '));
  assert.ok(all.includes('{application data}: request'));
  assert.match(await summary(page), /waited 2000 ms, then went on without knowing \(soft-fail\)/);
  assert.match(await summary(page), /one round trip, plus 2\.000 s for the revocation check/);
  await edit(page);
  await page.check('[data-testid=input-hard_fail]');
  await page.waitForFunction(() => document.querySelector('[data-testid=summary]').innerText.includes('hard-fail'));
  all = await labels(page);
  assert.equal(all.at(-1), '{alert}: certificate_unknown');
  // The CRL: the whole list, with the revoked serial on it.
  await preset(page, 'revoked-crl');
  await page.locator('[data-testid=step]', { hasText: '200: the CRL' }).click();
  fields = await page.locator('[data-testid=field]').allInnerTexts();
  assert.equal(fields.filter((f) => /^revoked certificate/.test(f)).length, 4, fields.join(' | '));
  assert.deepEqual(problems, []);
  await context.close();
});

test('TLS 1.2: ECDHE in the clear, ChangeCipherSpec, two round trips side by side with 1.3, and old versions refused', async () => {
  const { context, page, problems } = await open();
  await preset(page, 'tls12');
  const all = await labels(page);
  for (const label of ['ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished (encrypted)', '{application data}: request']) {
    assert.ok(all.includes(label), `${label} in ${all.join(' | ')}`);
  }
  assert.match(await summary(page), /The handshake took 2 round trips: the client's request left 0\.200 s after its first ClientHello/);
  assert.match(await summary(page), /Side by side on the same 0\.100 s round trip: with TLS 1\.2 the request left 0\.200 s after the ClientHello \(2 round trips\); with TLS 1\.3 it leaves 0\.100 s after \(1 round trip\)/);
  assert.match(await page.locator('#tls-schedule-title').innerText(), /RFC 5246/);
  // A GCM record: its explicit nonce has a byte range, the AAD is computed, and it marks its key.
  await page.locator('[data-testid=step]', { hasText: '{application data}: request' }).click();
  const fields = await page.locator('[data-testid=field]').allInnerTexts();
  for (const name of ['nonce_explicit', 'encrypted fragment', 'authentication tag', 'additional data', 'plaintext']) {
    assert.ok(fields.some((f) => f.startsWith(name)), `${name} in ${fields.join(' | ')}`);
  }
  assert.equal(await page.locator('[data-testid=schedule-client_write_key]').getAttribute('aria-current'), 'step');
  // The key log is the CLIENT_RANDOM line.
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-keylog]')]);
  assert.match(fs.readFileSync(await file.path(), 'utf8'), /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$/);
  // RSA key exchange says what it costs.
  await preset(page, 'tls12-rsa-kex');
  assert.match(await summary(page), /No forward secrecy/);
  // Edited: a client with only TLS 1.1 and 1.0 gets protocol_version.
  await edit(page);
  await page.fill('[data-testid=input-client_versions]', '1.1, 1.0');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=step] .row-label')].some((e) => e.textContent === 'alert: protocol_version'));
  await page.fill('[data-testid=input-client_versions]', '1.3, 1.2, 0.9');
  assert.equal(await page.locator('[data-testid=error-client_versions]').innerText(), '“0.9” is not a TLS version (1.3, 1.2, 1.1 or 1.0)');
  assert.equal(await page.locator('[data-testid=input-client_versions]').inputValue(), '1.3, 1.2, 0.9', 'what was typed stays');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the cipher suite explainer: the negotiated suite, weak ones flagged with why, hostile text named, and the negotiation', async () => {
  const { context, page, problems } = await open();
  const input = page.locator('[data-testid=input-suite]');
  assert.equal(await input.inputValue(), 'TLS_AES_128_GCM_SHA256', 'it starts as the negotiated suite');
  assert.match(await page.locator('[data-testid=suite-verdict]').innerText(), /^Recommended/);
  await input.fill('TLS_RSA_WITH_3DES_EDE_CBC_SHA');
  assert.match(await page.locator('[data-testid=suite-verdict]').innerText(), /^Avoid: .*no forward secrecy.*Sweet32/);
  const parts = await page.locator('[data-testid=suite-parts] tbody th').allInnerTexts();
  assert.deepEqual(parts, ['key exchange', 'authentication', 'cipher', 'MAC']);
  await input.fill('TLS_ECDHE<img src=x onerror=alert(1)>');
  assert.equal(await page.locator('[data-testid=error-suite]').innerText(), '“<” at character 10 cannot be in a suite name: letters, digits and underscores');
  assert.equal(await page.locator('[data-testid=suite-explainer] img').count(), 0);
  assert.equal(await input.inputValue(), 'TLS_ECDHE<img src=x onerror=alert(1)>', 'what was typed stays');
  // How this scenario's two sides agreed: the chosen suite and why the others lost.
  await preset(page, 'tls12');
  const fates = await page.locator('[data-testid=negotiation] li').allInnerTexts();
  assert.ok(fates.some((f) => f.startsWith('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 — chosen')), fates.join(' | '));
  assert.ok(fates.some((f) => f === 'TLS_AES_128_GCM_SHA256 — unused: a TLS 1.3 suite, and the connection is TLS 1.2'), fates.join(' | '));
  assert.deepEqual(problems, []);
  await context.close();
});
