// Keeps the HTML of every page the suite visits, as the server sent it, so that the Nu HTML
// Checker (vnu-jar) can check them all in one run when the suite has finished (html-check.js).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the pages are written: one file per page, named after its path. */
export const htmlDir = resolve(
  process.env.HTML_DIR || join(import.meta.dirname, '..', '..', '..', 'target', 'html'),
);
const tracked = new WeakSet();
const pending = new WeakMap();
const seen = new Set();
let count = 0;

function save(path, body) {
  // Each form carries its own CSRF token, so the same page differs between visits: the
  // token is left out of the hash, and a page seen before is not written again.
  const digest = createHash('sha256').update(body.replace(/name="csrf" value="[^"]*"/g, '')).digest('hex');
  if (seen.has(digest)) return;
  seen.add(digest);
  mkdirSync(htmlDir, { recursive: true });
  const name = path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'id').replace(/[^A-Za-z0-9]+/g, '_').slice(0, 80);
  count += 1;
  writeFileSync(join(htmlDir, `${process.pid}-${String(count).padStart(4, '0')}${name}.html`), body);
}

/** Starts keeping the HTML of each document `page` navigates to (once per page). */
export function track(page) {
  if (tracked.has(page)) return;
  tracked.add(page);
  page.on('response', (response) => {
    if (!response.request().isNavigationRequest() || response.frame() !== page.mainFrame()) return;
    if (!(response.headers()['content-type'] || '').startsWith('text/html')) return;
    if (response.status() >= 300 && response.status() < 400) return;
    const path = new URL(response.url()).pathname;
    // A page left before its body was read (a redirect chain's middle) has nothing to keep.
    const kept = response.text().then((body) => save(path, body), () => {});
    pending.set(page, kept);
  });
}

/** Waits until the HTML of the page now shown has been written. */
export async function kept(page) {
  await pending.get(page);
}
