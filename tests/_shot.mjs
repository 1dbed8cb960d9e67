import { serve, launch, watch, ready } from '/work/main/tests/harness.mjs';
const server = await serve(); const browser = await launch();
const [hash, file, w, h, scheme] = process.argv.slice(2);
const context = await browser.newContext({ viewport: { width: Number(w || 1280), height: Number(h || 900) }, colorScheme: scheme || 'light' });
const page = await context.newPage(); const problems = watch(page, server.origin);
await page.goto(server.base + (hash || '')); 
try { await ready(page); } catch (e) { console.log('not ready', e.message); }
await page.waitForTimeout(500);
await page.screenshot({ path: file || '/tmp/shot.png', fullPage: false });
console.log(JSON.stringify(problems, null, 1)); console.log(page.url());
await browser.close(); await server.close();
