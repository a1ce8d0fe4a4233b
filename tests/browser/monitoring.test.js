// The monitor's dashboard over enough synthetic cases (`safeguard demo`) for its findings to
// show: the disparities box among them, which the Nu HTML Checker reads too (html-check.js).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, shoot } from './lib/browser.js';
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

test('a monitor reads the dashboard of 400 cases, with its disparities', async () => {
  const monitor = await signUp(browser, server, 'Monitoring Group', 'monitor', 'mona');
  await go(monitor, '/monitoring');
  assert.ok(await monitor.locator('main .govuk-warning-text ul li').count() > 0, 'no disparities shown');
  await shoot(monitor, 'monitoring-dashboard-demo');
  await go(monitor, '/monitoring?lang=cy');
  assert.equal(await monitor.getAttribute('html', 'lang'), 'cy');
});
