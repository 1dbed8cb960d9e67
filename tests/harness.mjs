// Shared by the browser tests and the benchmark: a static server for dist/ under a sub-path,
// and Debian's Chromium launched so that it contacts nothing but this machine.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const PREFIX = '/courses/net/wirelab/';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
};

// A course page that embeds the app and records the heights it posts.
const PARENT = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Course page</title></head><body>
<h1>Networks, week 3</h1>
<iframe id="lab" title="Wirelab: TCP" src="${PREFIX}#/tcp?embed=1" style="width:100%;border:0" height="300"></iframe>
<script>
window.heights = [];
addEventListener('message', (e) => {
  if (e.data && e.data.type === 'wirelab:height') {
    window.heights.push(e.data.height);
    document.getElementById('lab').style.height = e.data.height + 'px';
  }
});
</script></body></html>`;

const compressed = new Map();
function gzipped(file) {
  const key = file + ':' + fs.statSync(file).mtimeMs;
  if (!compressed.has(key)) compressed.set(key, zlib.gzipSync(fs.readFileSync(file), { level: 9 }));
  return compressed.get(key);
}

/** Serves dist/ at PREFIX (no rewrites: only real files), and /parent.html. */
export async function serve() {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url);
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/parent.html') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      return res.end(PARENT);
    }
    if (!url.pathname.startsWith(PREFIX)) { res.writeHead(404); return res.end('not found'); }
    // As any static server does: a folder's index.html, and a folder named without its
    // trailing slash redirected to it.
    const rel = decodeURIComponent(url.pathname.slice(PREFIX.length));
    let file = path.join(DIST, rel);
    if (!file.startsWith(DIST) || !fs.existsSync(file)) { res.writeHead(404); return res.end('not found'); }
    if (fs.statSync(file).isDirectory()) {
      if (!url.pathname.endsWith('/')) { res.writeHead(301, { location: url.pathname + '/' + url.search }); return res.end(); }
      file = path.join(file, 'index.html');
      if (!fs.existsSync(file)) { res.writeHead(404); return res.end('not found'); }
    }
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    const headers = { 'content-type': type, 'cache-control': 'no-cache' };
    // Compressed as a static host serves it (gzip at the highest level, done once per file),
    // so that the benchmark measures what a browser really transfers.
    if (/\bgzip\b/.test(req.headers['accept-encoding'] || '') && type !== 'application/octet-stream') {
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
      return res.end(gzipped(file));
    }
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin, base: origin + PREFIX, requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Records console errors, page errors, and any request that leaves the origin. */
export function watch(page, origin) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('blob:'))) problems.push(`request left the origin: ${u}`);
  });
  return problems;
}

/** A fresh context (its own storage) and page at `path` under the site's base, watched for
 * problems (see `watch`), once the app has mounted. `init` runs before the page's own scripts;
 * the other options go to the browser context. */
export async function openPage(browser, server, path, { init, ...options } = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  const problems = watch(page, server.origin);
  // Every URL the page asked for, from the first.
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.base + path);
  await ready(page);
  return { context, page, problems, requests };
}

/** Waits until the app has mounted (the wasm has started and drawn). */
export async function ready(page) {
  await page.waitForSelector('main#main > *', { timeout: 30000 });
}

/** An embed's "Open in Wirelab" address, once it matches `pattern` (it follows each change
 * once the browser has compressed the link). `target` is a page or a frame. */
export async function openFull(target, pattern) {
  await target.waitForFunction((source) => new RegExp(source).test(document.querySelector('[data-testid=open-full]')?.getAttribute('href') || ''), pattern.source);
  return target.getAttribute('[data-testid=open-full]', 'href');
}

// Helpers for a lab's page, shared by the lab test files.

/** Opens `where` and waits until the inspector shows a step. */
export async function openLab(browser, server, where, options = {}) {
  const opened = await openPage(browser, server, where, options);
  await opened.page.waitForSelector('[data-testid=inspector] #inspector-title');
  return opened;
}

/** The run's summary text. */
export const summary = (page) => page.locator('[data-testid=summary]').innerText();

/** Every step's label on the timeline, in order. */
export const labels = (page) => page.locator('[data-testid=step] .row-label').allTextContents();

/** Picks a built-in scenario and waits until the run shows its first step. */
export async function preset(page, id) {
  await page.selectOption('[data-testid=preset]', id);
  await page.waitForFunction(() => document.querySelector('[data-testid=position]').innerText.startsWith('1 /'));
}

/** Opens the editor if it is closed, and waits for its form. */
export async function edit(page) {
  if (!(await page.$eval('details.editor', (d) => d.open))) await page.click('[data-testid=editor-summary]');
  // A lab may load its editor's form on first opening (src/lazy_editor.rs).
  await page.waitForSelector('details.editor [data-testid=editor]');
}

/** Selects the first step whose label has `label`, and returns the inspector's fields. */
export async function fields(page, label) {
  await page.locator('[data-testid=step]', { hasText: label }).first().click();
  return page.locator('[data-testid=field]').allInnerTexts();
}

/** Runs axe on the page (opened with `bypassCSP: true`) and returns its serious and critical
 * violations as `id: count`. */
export async function axeViolations(page) {
  const { createRequire } = await import('node:module');
  const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.length}`);
  });
}
