// The HTTP lab's CORS core against the browser it describes: Debian's Chromium runs every case
// from `cargo run -p wirelab-core --example cors_cases` as a real fetch from one origin to
// another, both served here on 127.0.0.1 (two ports, two origins), and this compares what
// Chromium did with what the core says it does:
// - whether fetch threw before sending, and the TypeError's text;
// - whether a preflight was sent, and its Access-Control-Request-Method and -Headers, exactly;
// - whether the request itself reached the server, and the headers the script set, as they
//   arrived (forbidden ones dropped);
// - whether the script got the response, and which response headers it could read;
// - the console line Chromium printed when it blocked the response, character for character.
// Any difference fails the check with the case printed.
//
// usage: node tests/cors_interop.mjs [count] [seed]
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { launch, ROOT } from './harness.mjs';

const [count = '400', seed = '6454'] = process.argv.slice(2);

const listen = (handler) => new Promise((resolve) => {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1', () => resolve(server));
});

const arrived = new Map();
let cases = [];
const pageServer = await listen((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!DOCTYPE html><html lang="en"><head><link rel="icon" href="data:,"><title>page</title></head><body>page</body></html>');
});
// The API is a few lines of HTTP/1.1 over a socket, not node:http: its parser refuses a
// method it does not know (a lower-case "patch", which fetch sends as written), and it adds
// headers of its own to every response.
const apiServer = net.createServer((socket) => {
  let data = '';
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    data += chunk.toString('latin1');
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) return;
    const [line, ...lines] = data.slice(0, end).split('\r\n');
    const [method, target] = line.split(' ');
    const headers = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      const name = l.slice(0, i).toLowerCase();
      const value = l.slice(i + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const m = /^\/case\/(\d+)/.exec(target);
    const c = m && cases[Number(m[1])];
    if (!c) return socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    const seen = arrived.get(c.id) || { preflight: null, request: null };
    arrived.set(c.id, seen);
    const isPreflight = method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
    const answer = isPreflight ? c.preflightAnswer : c.answer;
    if (isPreflight) {
      seen.preflight = { method: headers['access-control-request-method'] ?? null, headers: headers['access-control-request-headers'] ?? null };
    } else {
      seen.request = { method, headers };
    }
    const body = isPreflight || method === 'HEAD' || answer.status === 204 ? '' : 'ok';
    const head = [`HTTP/1.1 ${answer.status} Status`, ...answer.headers.map(([n, v]) => `${n}: ${v}`), `Content-Length: ${body.length}`, 'Connection: close'];
    socket.end(head.join('\r\n') + '\r\n\r\n' + body);
  });
});
await new Promise((resolve) => apiServer.listen(0, '127.0.0.1', resolve));
const page = `http://127.0.0.1:${pageServer.address().port}`;
const api = `http://127.0.0.1:${apiServer.address().port}`;

const out = execFileSync('cargo', ['run', '--quiet', '-p', 'wirelab-core', '--example', 'cors_cases', '--', count, seed, page, api], { cwd: ROOT, maxBuffer: 1 << 28 }).toString();
cases = out.trim().split('\n').map((line) => JSON.parse(line));

const browser = await launch();
const tab = await browser.newPage();
const consoleLines = [];
tab.on('console', (m) => consoleLines.push(m.text()));
await tab.goto(page + '/');

const failures = [];
const tally = { threw: 0, preflighted: 0, blocked: 0, read: 0 };
for (const c of cases) {
  const got = await tab.evaluate(async ({ url, method, headers, credentials }) => {
    try {
      const r = await fetch(url, { method, headers, credentials });
      return { ok: true, exposed: [...r.headers.keys()] };
    } catch (e) {
      return { ok: false, error: String(e) };
    }
  }, c);
  const seen = arrived.get(c.id) || { preflight: null, request: null };
  const e = c.expect;
  const problems = [];
  const same = (what, a, b) => { if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${what}: Chromium ${JSON.stringify(a)}, core ${JSON.stringify(b)}`); };
  if (e.typeError) {
    same('TypeError', got.error, e.typeError);
  } else if (!got.ok && !got.error.startsWith('TypeError: Failed to fetch')) {
    problems.push(`fetch threw ${got.error}, core expected no TypeError`);
  }
  same('preflight sent', seen.preflight !== null, e.preflight);
  if (seen.preflight && e.preflight) {
    same('Access-Control-Request-Method', seen.preflight.method, e.requestMethod);
    same('Access-Control-Request-Headers', seen.preflight.headers, e.requestHeaders);
  }
  same('request sent', seen.request !== null, e.sent);
  if (seen.request && e.sentHeaders) {
    // What the script set, as it arrived (a name set twice arrives once, its values joined).
    const want = {};
    for (const [n, v] of e.sentHeaders) want[n.toLowerCase()] = want[n.toLowerCase()] === undefined ? v : `${want[n.toLowerCase()]}, ${v}`;
    for (const [n, v] of Object.entries(want)) same(`${n} as sent`, seen.request.headers[n], v);
    // A dropped header may still arrive, set by the browser itself (Sec-Fetch-Site): not with the script's value.
    for (const [n, v] of c.headers) if (!(n.toLowerCase() in want) && seen.request.headers[n.toLowerCase()] === v) problems.push(`${n}: the script's value arrived, the core dropped it`);
    same('method as sent', seen.request.method, c.method.toUpperCase() === c.method || !['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(c.method.toUpperCase()) ? c.method : c.method.toUpperCase());
  }
  same('script got the response', got.ok, e.ok);
  // Only the headers the case sets (not Content-Length and Connection, which the server adds).
  const set = new Set(c.answer.headers.map(([n]) => n.toLowerCase()));
  if (got.ok && e.ok) same('readable headers', got.exposed.filter((n) => set.has(n)).sort(), [...e.exposed].sort());
  if (e.console) {
    const prefix = `Access to fetch at '${c.url}'`;
    let line;
    for (let i = 0; i < 40 && !(line = consoleLines.find((l) => l.startsWith(prefix))); i++) await new Promise((r) => setTimeout(r, 25));
    // Several refused headers: Chromium names the first in its own hash-map order, any of them.
    const named = /Request header field (\S+) is not allowed/.exec(line ?? '');
    if (named && e.refused.length > 1 && e.refused.includes(named[1])) line = line.replace(named[1], e.refused[0]);
    same('console line', line ?? null, e.console);
  }
  if (problems.length) failures.push(`case ${c.id}: ${c.method} ${JSON.stringify(c.headers)} credentials=${c.credentials}\n  preflight answer ${JSON.stringify(c.preflightAnswer)}\n  answer ${JSON.stringify(c.answer)}\n  - ${problems.join('\n  - ')}`);
  tally.threw += e.typeError ? 1 : 0;
  tally.preflighted += e.preflight ? 1 : 0;
  tally.blocked += e.console ? 1 : 0;
  tally.read += e.ok ? 1 : 0;
}
await browser.close();
pageServer.close();
apiServer.close();

console.log(`CORS: ${cases.length} fetches compared with Chromium: ${tally.threw} threw, ${tally.preflighted} preflighted, ${tally.blocked} blocked with a console line, ${tally.read} read by the script; ${failures.length} differed`);
if (failures.length) {
  console.log(failures.slice(0, process.env.CORS_ALL ? failures.length : 15).join('\n\n'));
  process.exit(1);
}
