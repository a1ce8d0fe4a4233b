// A session ending mid-referral (issue 20): the timeout warning comes before the sign-out,
// "Stay signed in" keeps the session, and text typed when the session has ended survives
// signing in again, for its author only. A new user's code survives signing out before
// choosing a password. The server's idle timeout is shortened to seconds for the walk.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, signInAgain, go, submit, shoot, pathOf } from './lib/browser.js';
import { freshTotp, step } from './lib/totp.js';
import { startServer } from './lib/server.js';

const IDLE = 15;
let server;
let browser;
before(async () => {
  server = await startServer(['--idle-timeout-seconds', String(IDLE)]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Walks a new referral to the identity question. */
async function toIdentity(page) {
  await go(page, '/referrals/new');
  await page.check('input[name=jurisdiction][value=england-wales]');
  await page.check('input[name=age][value=adult]');
  await page.check('input[name=age_then][value=adult]');
  await submit(page, 'Continue');
  await page.check('input[name=consent][value=yes]');
  await submit(page, 'Continue');
  await page.check('input[name=gender][value=female]');
  await submit(page, 'Continue');
  await page.check('input[name=forms][value=forced-to-commit-crime]');
  await page.check('input[name=location][value=uk]');
  await submit(page, 'Continue');
  assert.equal(pathOf(page), '/referrals/new/identity');
}

test('the timeout warning comes first, and Stay signed in keeps the session', async () => {
  const page = await signUp(browser, server, 'Hope NGO', 'first-responder', 'stay');
  await toIdentity(page);
  const dialog = page.locator('#timeout-warning');
  assert.equal(await dialog.isVisible(), false);
  // Shown a third of the timeout before the sign-out, focus inside it.
  await dialog.waitFor({ state: 'visible', timeout: IDLE * 1000 });
  assert.match(await dialog.textContent(), /we will sign you out in \d+ seconds/);
  await shoot(page, 'timeout-warning');
  await page.getByRole('button', { name: 'Stay signed in' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // Past the first sign-out time: still signed in, the answer goes on to the next question.
  await page.waitForTimeout(8000);
  await page.fill('#full_name', 'Ana Example');
  await page.fill('#account', 'Made to work in a nail bar.');
  await submit(page, 'Continue');
  assert.equal(pathOf(page), '/referrals/new/context');
});

test('text typed after the session ended survives signing in again', async () => {
  const page = await signUp(browser, server, 'Hope NGO', 'first-responder', 'interviewer');
  await toIdentity(page);
  await page.fill('#full_name', 'Ana Example');
  const account = 'Typed during a long interview: made to work in a nail bar for no pay.';
  await page.fill('#account', account);
  // The session ends while the caseworker is typing: the warning says so.
  await page.locator('#timeout-text').filter({ hasText: 'You have been signed out' }).waitFor({ timeout: (IDLE + 5) * 1000 });
  await shoot(page, 'timeout-ended');
  await page.getByRole('button', { name: 'Close' }).click();
  await submit(page, 'Continue');
  assert.equal(pathOf(page), '/sign-in');
  await signInAgain(page, 'interviewer');
  assert.equal(pathOf(page), '/referrals/new/identity');
  assert.equal(await page.inputValue('#full_name'), 'Ana Example');
  assert.equal(await page.inputValue('#account'), account);
  assert.match(await page.textContent('.govuk-notification-banner'), /we kept what you typed/);
  await shoot(page, 'timeout-kept');
  await submit(page, 'Continue');
  assert.equal(pathOf(page), '/referrals/new/context');
});

/** Signs `who` (a page of theirs, which holds their authenticator) in on `page`: the code is
 *  worked out first, so the half-open session does not wait out the short idle timeout. */
async function signInOn(page, who, name) {
  const code = await freshTotp(who.totpSecret, who.totpStep);
  who.totpStep = step();
  await page.fill('#name', name);
  await page.fill('#password', 'correct horse battery staple');
  await submit(page, 'Sign in');
  assert.equal(pathOf(page), '/sign-in/two-factor');
  await page.fill('#code', code);
  await submit(page, 'Continue');
}

test('text kept after the session ended is not shown to a colleague on the same browser', async () => {
  const colleague = await signUp(browser, server, 'Hope NGO', 'first-responder', 'colleague');
  const page = await signUp(browser, server, 'Hope NGO', 'first-responder', 'author');
  await toIdentity(page);
  await page.fill('#full_name', 'Bea Example');
  await page.fill('#account', 'Kept for its author alone.');
  await page.locator('#timeout-text').filter({ hasText: 'You have been signed out' }).waitFor({ timeout: (IDLE + 5) * 1000 });
  await page.getByRole('button', { name: 'Close' }).click();
  await submit(page, 'Continue');
  assert.equal(pathOf(page), '/sign-in');
  // The colleague signs in on this browser: their own first page, nothing kept shown.
  await signInOn(page, colleague, 'colleague');
  assert.equal(pathOf(page), '/cases');
  assert.doesNotMatch(await page.content(), /Bea Example|its author alone/);
  await submit(page, 'Sign out');
  // The author signs in again on it and finds what they typed.
  await signInOn(page, page, 'author');
  assert.equal(pathOf(page), '/referrals/new/identity');
  assert.equal(await page.inputValue('#full_name'), 'Bea Example');
  assert.equal(await page.inputValue('#account'), 'Kept for its author alone.');
});

test("a new user's code still works after signing out before choosing a password", async () => {
  const code = server.user('Hope NGO', 'first-responder', 'newcomer');
  const context = await browser.newContext({ baseURL: server.base });
  const page = await context.newPage();
  for (let time = 0; time < 2; time++) {
    await go(page, '/sign-in/code');
    await page.fill('#code', code);
    await submit(page, 'Continue');
    assert.equal(pathOf(page), '/account/password', `the code did not work the ${time ? 'second' : 'first'} time`);
    if (time === 0) {
      await submit(page, 'Sign out');
      assert.equal(pathOf(page), '/sign-in');
    }
  }
  await page.fill('#password', 'correct horse battery staple');
  await page.fill('#confirmation', 'correct horse battery staple');
  await submit(page, 'Save password');
  assert.equal(pathOf(page), '/account/two-factor');
  // Choosing the password spent it.
  const other = await (await browser.newContext({ baseURL: server.base })).newPage();
  await go(other, '/sign-in/code');
  await other.fill('#code', code);
  await submit(other, 'Continue');
  assert.match(await other.textContent('.govuk-error-summary'), /not valid/);
  await context.close();
});
