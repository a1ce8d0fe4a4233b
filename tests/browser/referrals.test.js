// The three referral journeys, and a Duty to Notify report converted into a referral.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, submit, shoot, pathOf } from './lib/browser.js';
import { refer } from './lib/referral.js';
import { startServer } from './lib/server.js';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a first responder refers an adult who consents, a child, and a person of unknown age', async () => {
  const page = await signUp(browser, server, 'Hope NGO', 'first-responder', 'sam');
  assert.equal(pathOf(page), '/cases');

  await refer(page, { age: 'adult', consent: 'yes', name: 'Ana Example', screenshots: true });
  await page.getByRole('link', { name: 'View the case' }).click();
  await page.waitForLoadState();
  await go(page, pathOf(page));
  assert.match(await page.textContent('main'), /Ana Example/);
  await shoot(page, 'case');

  await refer(page, { age: 'child', consent: null, name: 'Child Example' });
  await refer(page, { age: 'unknown', consent: null, name: 'Unknown Age' });

  await go(page, '/cases');
  assert.match(await page.textContent('main'), /Showing 1 to 3 of 3 cases/);
  await shoot(page, 'case-list');
});

test('a Duty to Notify report is converted into a referral with its code', async () => {
  const reporter = await signUp(browser, server, 'City Police', 'police', 'pc');
  await refer(reporter, { age: 'adult', consent: 'no', name: null, screenshots: true });
  const code = (await reporter.textContent('#conversion-code')).trim();
  assert.match(code, /^DTN-/);

  // Later the adult consents; a first responder of another organisation converts the report.
  const fr = await signUp(browser, server, 'Other NGO', 'first-responder', 'olu');
  await go(fr, '/referrals/convert');
  await fr.fill('#conversion_code', 'DTN-not-a-real-code');
  await fr.fill('#full_name', 'Now Consenting');
  await submit(fr, 'Convert into a referral');
  assert.match(await fr.textContent('.govuk-error-summary'), /not valid/);
  await fr.fill('#conversion_code', code);
  await shoot(fr, 'duty-to-notify-convert');
  await submit(fr, 'Convert into a referral');
  assert.match(pathOf(fr), /^\/cases\//);
  const main = await fr.textContent('main');
  assert.match(main, /Now Consenting/);
  assert.match(main, /NRM referral/);

  // The code works once.
  await go(fr, '/referrals/convert');
  await fr.fill('#conversion_code', code);
  await fr.fill('#full_name', 'Someone Else');
  await submit(fr, 'Convert into a referral');
  assert.match(await fr.textContent('.govuk-error-summary'), /not valid/);
});

test('every step works without JavaScript, and the skip link leads to the content', async () => {
  const page = await signUp(browser, server, 'Hope NGO', 'first-responder', 'nojs', { javaScriptEnabled: false });
  await refer(page, { age: 'child', consent: null, name: 'No Script' });
  await go(page, '/referrals/convert');
  await submit(page, 'Convert into a referral');
  assert.equal(await page.locator('.govuk-error-summary a[href="#conversion_code"]').count(), 1);

  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to main content');
  assert.equal(await page.getAttribute('.govuk-skip-link', 'href'), '#main-content');
  assert.equal(await page.locator('main#main-content').count(), 1);
});
