// The monitor's dashboard over enough synthetic cases (`safeguard demo`) for its findings to
// show: a summary that fits about one screen and a half at 1280px, each indicator's own page
// with a chart whose text reads at 12px or more on a desktop and on a phone, and the
// differences between groups, which the Nu HTML Checker reads too (html-check.js).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, shoot, submit } from './lib/browser.js';
import { startServer } from './lib/server.js';

let server;
let browser;
before(async () => {
  server = await startServer([], { demoCases: 400 });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The page's full height at a width. */
async function heightAt(page, width) {
  await page.setViewportSize({ width, height: 800 });
  return page.evaluate(() => document.documentElement.scrollHeight);
}

/** The smallest chart text as rendered, in CSS pixels: its font size times the chart's scale. */
async function smallestChartText(page, width) {
  await page.setViewportSize({ width, height: 800 });
  return page.evaluate(() => Math.min(...[...document.querySelectorAll('main svg.sg-chart')].flatMap((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  })));
}

test('a monitor reads the summary on one screen and drills down to an indicator', async () => {
  const monitor = await signUp(browser, server, 'Monitoring Group', 'monitor', 'mona');
  await go(monitor, '/monitoring');
  const height = await heightAt(monitor, 1280);
  console.log(`monitoring summary: ${height}px tall at 1280px`);
  assert.ok(height < 1800, `the summary is ${height}px tall at 1280px`);
  assert.ok(await monitor.locator('main .govuk-warning-text ul li').count() > 0, 'no differences shown');
  const periods = await monitor.locator('select#period option').allTextContents();
  assert.ok(periods.length > 2 && periods[0] === 'All periods', `periods: ${periods}`);
  await shoot(monitor, 'monitoring-summary');

  // The period is chosen from the list, and the links keep it.
  await monitor.selectOption('select#period', { index: 2 });
  await submit(monitor, 'Show');
  assert.match(monitor.url(), /period=/);
  await monitor.getByRole('link', { name: /See details.*NRM referrals/ }).click();
  await monitor.waitForLoadState('load');
  assert.match(monitor.url(), /\/monitoring\/indicators\/referrals\?period=/);
  await go(monitor, new URL(monitor.url()).pathname.replace('referrals', 'rg-positive-rate'));
  assert.equal(await monitor.locator('main h1').textContent(), 'Positive reasonable-grounds decisions');
  assert.ok(await monitor.locator('main svg.sg-chart').count() > 0, 'no chart');
  for (const width of [1280, 375]) {
    const smallest = await smallestChartText(monitor, width);
    console.log(`smallest chart text at ${width}px: ${smallest.toFixed(1)}px`);
    assert.ok(smallest >= 12, `chart text of ${smallest.toFixed(1)}px at ${width}px`);
  }
  await shoot(monitor, 'monitoring-indicator');
  await go(monitor, '/monitoring?lang=cy');
  assert.equal(await monitor.getAttribute('html', 'lang'), 'cy');
});

test('a monitor adds a recommendation with the form', async () => {
  const monitor = await signUp(browser, server, 'Monitoring Group', 'monitor', 'mark');
  await go(monitor, '/monitoring/recommendations');
  await submit(monitor, 'Add recommendation');
  assert.ok(await monitor.locator('.govuk-error-summary').count() === 1, 'no error summary');
  await monitor.fill('#source', 'GRETA evaluation report on the UK');
  await monitor.fill('#date', '2024-06-01');
  await monitor.fill('#text', 'Identify child victims sooner');
  await monitor.fill('#addressee', 'Home Office');
  await monitor.fill('#article', 'ECAT Art. 10');
  await monitor.check('#indicators');
  await submit(monitor, 'Add recommendation');
  assert.match(await monitor.locator('.govuk-notification-banner').textContent(), /Recommendation added/);
  await shoot(monitor, 'monitoring-recommendation-added');
});
