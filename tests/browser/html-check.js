// The Nu HTML Checker (vnu-jar, run by the system's Java) over every page the suite kept
// (lib/html.js): fails on any error, listing each message once with the pages that show it.
// `node html-check.js clear` empties the folder before a run.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { htmlDir } from './lib/html.js';

if (process.argv[2] === 'clear') {
  rmSync(htmlDir, { recursive: true, force: true });
  process.exit(0);
}
const files = readdirSync(htmlDir).filter((f) => f.endsWith('.html'));
if (files.length === 0) {
  console.error(`no pages in ${htmlDir}`);
  process.exit(1);
}
const jar = String(createRequire(import.meta.url)('vnu-jar'));
// vnu writes its JSON report to standard error.
const run = spawnSync(process.env.JAVA || 'java', [
  '-jar', jar, '--errors-only', '--exit-zero-always', '--format', 'json', '--skip-non-html', htmlDir,
], { encoding: 'utf8', maxBuffer: 256 << 20 });
if (run.error || run.status !== 0) {
  console.error(`the Nu HTML Checker did not run: ${run.error?.message || run.stderr}`);
  process.exit(1);
}
const errors = JSON.parse(run.stderr).messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
const byMessage = new Map();
for (const m of errors) {
  const page = basename(decodeURIComponent(m.url || ''));
  const entry = byMessage.get(m.message) || { pages: new Set(), extract: m.extract, count: 0 };
  entry.pages.add(`${page}:${m.lastLine}`);
  entry.count += 1;
  byMessage.set(m.message, entry);
}
for (const [message, { pages, extract, count }] of byMessage) {
  const some = [...pages].slice(0, 5).join(', ');
  const more = pages.size > 5 ? `, … (${pages.size} pages)` : '';
  console.log(`${count}× ${message}\n   ${some}${more}\n   ${JSON.stringify(extract)}`);
}
console.log(`Nu HTML Checker: ${errors.length} errors in ${files.length} pages (${htmlDir})`);
process.exit(errors.length === 0 ? 0 : 1);
