// A staff member works in Welsh: the case list, a referral question page with its error summary,
// and a decision page, each audited by axe-core and photographed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, submit, shoot, pathOf, confirmStep } from './lib/browser.js';
import { referByApi } from './lib/api.js';
import { startServer } from './lib/server.js';

let server;
let browser;
let caseId;
before(async () => {
  server = await startServer();
  browser = await launch();
  const token = server.token('Hope NGO', 'first-responder', 'api-fr');
  caseId = await referByApi(server, token, 3);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a first responder switches to Welsh and the choice holds from page to page', async () => {
  const fr = await signUp(browser, server, 'Hope NGO', 'first-responder', 'cerys');
  assert.equal(pathOf(fr), '/cases');
  await fr.getByRole('link', { name: 'Cymraeg' }).click();
  await fr.waitForLoadState();
  await go(fr, pathOf(fr));
  assert.equal(await fr.getAttribute('html', 'lang'), 'cy');
  assert.equal(await fr.textContent('h1'), 'Achosion');
  assert.match(await fr.textContent('main'), /Yn dangos 1 i 1 o 1 achos/);
  await shoot(fr, 'case-list-cy');

  // No ?lang= from here on: the cookie keeps the language.
  await go(fr, '/referrals/new');
  assert.equal(pathOf(fr), '/referrals/new/about');
  assert.equal(await fr.getAttribute('html', 'lang'), 'cy');
  await submit(fr, 'Parhau');
  assert.match(await fr.title(), /^Gwall: /);
  assert.match(await fr.textContent('.govuk-error-summary'), /Mae problem wedi codi/);
  assert.equal(await fr.locator('.govuk-error-summary a[href="#jurisdiction"]').count(), 1);
  await fr.check('input[name=jurisdiction][value=england-wales]');
  await shoot(fr, 'referral-question-cy');
  assert.match(await fr.textContent('main'), /Cymru a Lloegr/);
  await fr.check('input[name=age][value=adult]');
  await fr.check('input[name=age_then][value=adult]');
  await submit(fr, 'Parhau');
  assert.equal(pathOf(fr), '/referrals/new/consent');
  assert.match(await fr.textContent('h1'), /Caniatâd/);
  await fr.getByRole('link', { name: 'English' }).click();
  await fr.waitForLoadState();
  assert.equal(await fr.getAttribute('html', 'lang'), 'en');
  assert.match(await fr.textContent('h1'), /Consent/);
});

test('a decision maker records a decision in Welsh', async () => {
  const dm = await signUp(browser, server, 'Single Competent Authority', 'decision-maker', 'dafydd');
  await go(dm, `/cases/${caseId}?lang=cy`);
  assert.equal(await dm.getAttribute('html', 'lang'), 'cy');
  await shoot(dm, 'case-cy');
  await dm.getByRole('link', { name: 'Cofnodi penderfyniad sail resymol' }).click();
  await dm.waitForLoadState();
  await go(dm, pathOf(dm));
  assert.equal(await dm.textContent('h1'), 'Penderfyniad sail resymol');
  await dm.check('input[name=outcome][value=positive]');
  await submit(dm, 'Cofnodi’r penderfyniad');
  assert.equal(await dm.locator('.govuk-error-summary a[href="#reasons"]').count(), 1);
  assert.match(await dm.textContent('#reasons-error'), /Ysgrifennwch y rhesymau/);
  await shoot(dm, 'decision-cy');
  await dm.fill('#reasons', 'Mae’r dystiolaeth yn gyson.');
  await submit(dm, 'Cofnodi’r penderfyniad');
  await confirmStep(dm, 'Cofnodi’r penderfyniad');
  assert.match(pathOf(dm), new RegExp(`^/cases/${caseId}$`));
  assert.match(await dm.textContent('main'), /Cadarnhaol ar /);
});
