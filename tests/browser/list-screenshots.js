// Lists the screenshots the suite wrote, after it has run.
import { readdirSync } from 'node:fs';
import { screenshotDir } from './lib/browser.js';

const files = readdirSync(screenshotDir).filter((f) => f.endsWith('.png')).sort();
if (files.length === 0) {
  console.error(`no screenshots in ${screenshotDir}`);
  process.exit(1);
}
console.log(`${files.length} screenshots in ${screenshotDir}:\n${files.join('\n')}`);
