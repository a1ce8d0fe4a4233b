// Saved referral drafts: save and come back later, sign out and in, continue from the list,
// the context for inconsistencies in the account, check your answers, send.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, signInAgain, go, submit, shoot, pathOf } from './lib/browser.js';
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

test('a first responder saves a referral, comes back in another session, adds context and sends it', async () => {
  let page = await signUp(browser, server, 'Hope NGO', 'first-responder', 'sam');
  await go(page, '/referrals/new');
  await page.check('input[name=jurisdiction][value=england-wales]');
  await page.check('input[name=age][value=adult]');
  await page.check('input[name=age_then][value=adult]');
  await submit(page, 'Continue');
  await page.check('input[name=consent][value=yes]');
  await submit(page, 'Continue');
  await page.check('input[name=gender][value=female]');
  await page.selectOption('#nationality', 'AL');
  await submit(page, 'Continue');
  await page.check('input[name=forms][value=wages-taken]');
  await page.check('input[name=location][value=uk]');
  await submit(page, 'Continue');
  assert.equal(pathOf(page), '/referrals/new/identity');
  await page.fill('#full_name', 'Drita Example');

  // Save and come back later: the list, with a confirmation, and no name in it.
  await submit(page, 'Save and come back later');
  assert.equal(pathOf(page), '/referrals/drafts');
  const banner = await page.textContent('.govuk-notification-banner');
  assert.match(banner, /Referral D-[0-9A-F]{6} saved/);
  const list = await page.textContent('main');
  assert.doesNotMatch(list, /Drita/);
  assert.match(list, /Who they are|About|identity/i);
  await shoot(page, 'referral-drafts');

  // Sign out, and back in: a new session.
  await submit(page, 'Sign out');
  assert.equal(pathOf(page), '/sign-in');
  await signInAgain(page, 'sam');
  assert.equal(pathOf(page), '/cases');
  await page.getByRole('link', { name: 'Saved referrals' }).first().click();
  await page.waitForLoadState();
  await go(page, pathOf(page));
  assert.equal(await page.locator('tbody tr').count(), 1);

  // Continue: back where it stopped, the name kept.
  await page.getByRole('link', { name: /^Continue/ }).click();
  await page.waitForLoadState();
  assert.equal(pathOf(page), '/referrals/new/identity');
  await go(page, pathOf(page));
  assert.equal(await page.inputValue('#full_name'), 'Drita Example');
  await page.fill('#account', 'Worked in a car wash for no pay; told more at the second meeting.');
  await submit(page, 'Continue');

  // The context step: checkboxes and notes, no credibility question.
  assert.equal(pathOf(page), '/referrals/new/context');
  assert.doesNotMatch(await page.textContent('main'), /credib|dishonest/i);
  await page.check('input[name=context_factors][value=trauma]');
  await page.check('input[name=context_factors][value=partial-first-disclosure]');
  await page.fill('#context_notes', 'Spoke more once an interpreter of her choice was present.');
  await shoot(page, 'referral-context');
  await submit(page, 'Continue');

  assert.equal(pathOf(page), '/referrals/new/check');
  const check = await page.textContent('main');
  assert.match(check, /Context for their account/);
  assert.match(check, /Trauma and its effect on memory/);
  assert.match(check, /interpreter of her choice/);
  await submit(page, 'Send referral');
  assert.match(pathOf(page), /^\/referrals\/sent\//);

  // Sent: the draft is gone.
  await go(page, '/referrals/drafts');
  assert.match(await page.textContent('main'), /You have no saved referrals/);
});

test('a saved referral is deleted after a confirmation', async () => {
  const page = await signUp(browser, server, 'Hope NGO', 'first-responder', 'kim');
  await go(page, '/referrals/new');
  await page.check('input[name=jurisdiction][value=scotland]');
  await submit(page, 'Save and come back later');
  assert.equal(pathOf(page), '/referrals/drafts');
  await page.getByRole('link', { name: /^Delete/ }).click();
  await page.waitForLoadState();
  await go(page, pathOf(page));
  assert.match(await page.textContent('h1'), /Delete saved referral D-/);
  await submit(page, 'Yes, delete it');
  assert.equal(pathOf(page), '/referrals/drafts');
  assert.match(await page.textContent('main'), /Saved referral deleted/);
  assert.equal(await page.locator('tbody tr').count(), 0);
});
