// Reasonable- then conclusive-grounds decisions, immigration enforcement refused a survivor's
// identity, and the monitor's dashboard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, submit, shoot, pathOf, confirmStep } from './lib/browser.js';
import { dateParts, referByApi } from './lib/api.js';
import { startServer } from './lib/server.js';

let server;
let browser;
let caseId;
before(async () => {
  server = await startServer();
  browser = await launch();
  const token = server.token('Hope NGO', 'first-responder', 'api-fr');
  caseId = await referByApi(server, token, 40);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function decide(page, question, outcome, reasons, daysAgo) {
  await page.getByRole('link', { name: `Record ${question} decision` }).click();
  await page.waitForLoadState();
  await go(page, pathOf(page));
  assert.match(await page.textContent('main'), /The test:/);
  await page.check(`input[name=outcome][value=${outcome}]`);
  await page.fill('#reasons', reasons);
  if (daysAgo !== null) {
    const [d, m, y] = dateParts(daysAgo);
    await page.fill('#date-day', d);
    await page.fill('#date-month', m);
    await page.fill('#date-year', y);
  }
}

test('a decision maker makes reasonable then conclusive grounds decisions', async () => {
  const dm = await signUp(browser, server, 'Single Competent Authority', 'decision-maker', 'dee');
  assert.equal(pathOf(dm), '/cases');
  assert.match(await dm.textContent('main'), /Overdue/);
  await shoot(dm, 'decision-maker-queue');
  await go(dm, `/cases/${caseId}`);

  // Reasons are required: the error summary links to the field.
  await dm.getByRole('link', { name: 'Record reasonable grounds decision' }).click();
  await dm.waitForLoadState();
  await dm.check('input[name=outcome][value=positive]');
  await submit(dm, 'Record decision');
  assert.equal(await dm.locator('.govuk-error-summary a[href="#reasons"]').count(), 1);
  await shoot(dm, 'decision-error');
  await go(dm, `/cases/${caseId}`);

  await decide(dm, 'reasonable grounds', 'positive', 'Credible account and indicators.', 35);
  await shoot(dm, 'decision-reasonable-grounds');
  await submit(dm, 'Record decision');
  await shoot(dm, 'decision-confirm');
  await confirmStep(dm, 'Record decision');
  assert.match(await dm.textContent('.govuk-notification-banner--success'), /Reasonable grounds decision recorded/);
  assert.equal(pathOf(dm), `/cases/${caseId}`);
  assert.match(await dm.textContent('main'), /Recovery period started/);

  await decide(dm, 'conclusive grounds', 'positive', 'Balance of probabilities met.', null);
  await submit(dm, 'Record decision');
  await confirmStep(dm, 'Record decision');
  assert.equal(pathOf(dm), `/cases/${caseId}`);
  assert.match(await dm.textContent('main'), /Confirmed victim/);
  await shoot(dm, 'case-decided');
});

test('immigration enforcement is refused a survivor\'s identity', async () => {
  const ie = await signUp(browser, server, 'Immigration Enforcement', 'immigration-enforcement', 'ivy');
  const response = await go(ie, `/cases/${caseId}/identity`);
  assert.equal(response.status(), 403);
  const main = await ie.textContent('main');
  assert.match(main, /You cannot see this person's identity/);
  assert.doesNotMatch(main, /Ana Example|1999/);
  await shoot(ie, 'identity-refused');
  // Nor can they read the case.
  assert.equal((await go(ie, `/cases/${caseId}`)).status(), 403);
});

test('a monitor sees the dashboard, and statistics only', async () => {
  const monitor = await signUp(browser, server, 'Monitoring Group', 'monitor', 'mo');
  assert.equal(pathOf(monitor), '/monitoring');
  await go(monitor, '/monitoring');
  assert.match(await monitor.textContent('h1'), /./);
  await shoot(monitor, 'monitoring-dashboard');
  await go(monitor, '/monitoring/recommendations');
  await shoot(monitor, 'monitoring-recommendations');
  await go(monitor, '/monitor/simulation');
  assert.equal((await go(monitor, `/cases/${caseId}`)).status(), 403);
});
