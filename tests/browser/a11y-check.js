// pa11y (WCAG2AA, runners htmlcs and axe) and Lighthouse's accessibility category (desktop)
// over every page the suite kept (lib/html.js), in Debian's Chromium: fails on any pa11y error
// or any Lighthouse accessibility score below 1, naming the page and the finding.
//
// The kept pages are signed-in pages, so they are served again as they were sent, with the
// app's static files, by a small HTTP server on 127.0.0.1. pa11y runs two pages at a time in
// one Chromium, and two Lighthouse workers one page at a time each in two others, all at once.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize, resolve } from 'node:path';
import pa11y from 'pa11y';
import puppeteer from 'puppeteer-core';
import { htmlDir } from './lib/html.js';

const staticDir = resolve(import.meta.dirname, '..', '..', 'crates', 'sg-web', 'static');
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };
const started = Date.now();

/** Which file answers a path: a kept page, a static file, or the favicon (as the app does). */
function fileFor(path) {
  if (path === '/favicon.ico') return join(staticDir, 'favicon.svg');
  const [, root, rest] = path.match(/^\/(pages|static)\/(.+)$/) || [];
  if (!root) return null;
  const base = root === 'pages' ? htmlDir : staticDir;
  const file = normalize(join(base, decodeURIComponent(rest)));
  return file.startsWith(base) ? file : null;
}

const server = createServer((req, res) => {
  const file = fileFor(new URL(req.url, 'http://x').pathname);
  try {
    const body = readFileSync(file);
    const ext = file.endsWith('favicon.svg') ? '.svg' : file.slice(file.lastIndexOf('.'));
    res.writeHead(200, { 'content-type': types[ext] || 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const files = readdirSync(htmlDir).filter((f) => f.endsWith('.html')).sort();
if (files.length === 0) {
  console.error(`no pages in ${htmlDir}`);
  process.exit(1);
}

// Debian's Chromium, never a downloaded one, each on its own DevTools port and profile (and
// the Lighthouse workers, below).
const chromes = [];
const profiles = [];
// Whatever happens (a tool throws, the run is stopped), no browser outlives the check.
process.on('exit', () => {
  chromes.forEach((c) => c.kill('SIGKILL'));
  // A browser killed a moment ago may still be writing its profile: retry, then leave it.
  profiles.forEach((p) => {
    try {
      rmSync(p, { recursive: true, force: true, maxRetries: 5 });
    } catch (e) {
      console.error(`left the browser profile ${p}: ${e.code}`);
    }
  });
});
process.on('SIGTERM', () => process.exit(1));
process.on('SIGINT', () => process.exit(1));
async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'safeguard-a11y-'));
  const chrome = spawn(process.env.CHROMIUM || process.env.CHROME_PATH || '/usr/bin/chromium', [
    `--user-data-dir=${profile}`, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--remote-debugging-port=0', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  chromes.push(chrome);
  profiles.push(profile);
  return new Promise((ok, fail) => {
    let err = '';
    chrome.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) ok(m[1]);
    });
    chrome.once('exit', () => fail(new Error(`chromium exited:\n${err}`)));
  });
}

// Each finding once, with the pages that show it (the header's findings repeat on every page).
const findings = new Map();
function found(what, page) {
  const pages = findings.get(what) || [];
  pages.push(page);
  findings.set(what, pages);
}

/** A finding known to be the tool's mistake, for one rule on one element. axe cannot work out
 *  the background behind an SVG chart's <text> and flags the monitoring charts' axis labels,
 *  drawn #0b0c0c on the page's white (19.8:1), for colour contrast. */
function falsePositive(issue) {
  return issue.runner === 'axe' && issue.code === 'color-contrast'
    && / > figure > svg > text:nth-child\(\d+\)$/.test(issue.selector)
    && /^<text [^>]*fill="#0b0c0c"/.test(issue.context);
}

// pa11y on every page, two at a time in one Chromium (the machine has two cores).
const browser = await puppeteer.connect({ browserWSEndpoint: await launchChromium() });
let next = 0;
async function pa11yWorker() {
  while (next < files.length) {
    const file = files[next++];
    const result = await pa11y(`${base}/pages/${file}`, {
      browser, standard: 'WCAG2AA', runners: ['htmlcs', 'axe'], timeout: 60000,
    });
    for (const issue of result.issues.filter((i) => i.type === 'error' && !falsePositive(i))) {
      found(`pa11y [${issue.runner}] ${issue.code}: ${issue.message}\n   ${issue.selector} ${issue.context}`, file);
    }
  }
}
const pa11yRun = Promise.all([pa11yWorker(), pa11yWorker()]).then(() => Date.now());

// Lighthouse's accessibility category on every page, alongside pa11y: two workers, each in its
// own process and Chromium (lighthouse-worker.js), half the pages each.
function lighthouseWorker(share) {
  return launchChromium().then((browserWSEndpoint) => new Promise((ok, fail) => {
    const worker = fork(join(import.meta.dirname, 'lighthouse-worker.js'));
    chromes.push(worker);
    worker.once('message', ({ findings: theirs }) => {
      theirs.forEach(([what, page]) => found(what, page));
      ok(Date.now());
    });
    worker.once('exit', (code) => { if (code !== 0) fail(new Error(`a Lighthouse worker exited with ${code}`)); });
    worker.send({ browserWSEndpoint, base, files: share });
  }));
}
const lighthouseRun = Promise.all([0, 1].map((w) => lighthouseWorker(files.filter((_, i) => i % 2 === w))));
const [pa11yDone, lighthouseDone] = await Promise.all([pa11yRun, lighthouseRun.then((t) => Math.max(...t))]);

await browser.disconnect();
server.close();
const seconds = (t) => ((t - started) / 1000).toFixed(0);
for (const [what, pages] of findings) {
  const some = pages.slice(0, 5).join(', ');
  console.log(`${pages.length}× ${what}\n   ${some}${pages.length > 5 ? `, … (${pages.length} pages)` : ''}`);
}
console.log(
  `pa11y: ${files.length} pages in ${seconds(pa11yDone)} s; Lighthouse: the same pages in ` +
  `${seconds(lighthouseDone)} s (at the same time); ${findings.size} findings`,
);
process.exit(findings.size === 0 ? 0 : 1);
