// One Lighthouse worker for a11y-check.js, in a process of its own (Lighthouse's timing marks
// are global, so one process runs one audit at a time): it is sent the Chromium to use, the
// address the pages are served at and its share of the pages, audits each in snapshot mode
// (the page loaded once and audited as it stands, about 2.5 s a page here, where a navigation
// run took 13 s) and sends back a finding for each page scoring below 1.
import { snapshot } from 'lighthouse';
import puppeteer from 'puppeteer-core';

const config = {
  extends: 'lighthouse:default',
  settings: {
    onlyCategories: ['accessibility'],
    disableFullPageScreenshot: true,
    formFactor: 'desktop',
    screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false },
  },
};

process.once('message', async ({ browserWSEndpoint, base, files }) => {
  const browser = await puppeteer.connect({ browserWSEndpoint });
  const page = await browser.newPage();
  const findings = [];
  for (const file of files) {
    await page.goto(`${base}/pages/${file}`, { waitUntil: 'load' });
    const { lhr } = await snapshot(page, { config });
    const category = lhr.categories.accessibility;
    if (category.score !== 1) {
      const bad = Object.values(lhr.audits)
        .filter((a) => a.score === 0 && a.scoreDisplayMode === 'binary')
        .map((a) => `${a.id}: ${a.title} — ${(a.details?.items || []).map((i) => i.node?.selector).join(', ')}`);
      findings.push([`Lighthouse accessibility ${category.score}\n   ${bad.join('\n   ')}`, file]);
    }
  }
  await browser.disconnect();
  process.send({ findings }, () => process.exit(0));
});
