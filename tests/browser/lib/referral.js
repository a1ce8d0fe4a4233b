// The referral journey as a first responder walks it: question pages, check your answers, send.
import assert from 'node:assert/strict';
import { go, submit, shoot, pathOf } from './browser.js';

/** Walks the journey. `age`: adult | child | unknown; `consent`: yes | no | null (not asked);
 *  `name`: the person's name, or null for a Duty to Notify report. Returns the receipt's path. */
export async function refer(page, { age, consent, name, screenshots = false }) {
  await go(page, '/referrals/new');
  assert.equal(pathOf(page), '/referrals/new/about');
  if (screenshots) {
    // The error summary, linked to the field, when a question is left unanswered.
    await submit(page, 'Continue');
    assert.match(await page.title(), /^Error: /);
    await shoot(page, 'referral-question-error');
  }
  await page.check('input[name=jurisdiction][value=england-wales]');
  await page.check(`input[name=age][value=${age}]`);
  // An adult is asked about the age during the exploitation too (the statistics count it).
  if (age === 'adult') await page.check('input[name=age_then][value=adult]');
  if (screenshots) await shoot(page, 'referral-question');
  await submit(page, 'Continue');
  if (consent) {
    assert.equal(pathOf(page), '/referrals/new/consent');
    await page.check(`input[name=consent][value=${consent}]`);
    await submit(page, 'Continue');
  }
  if (consent === 'no') {
    // Issue 19: a report asks why the adult did not consent, as reasons that are counted.
    assert.equal(pathOf(page), '/referrals/new/declined');
    await page.getByLabel('They fear what it would mean for their immigration status').check();
    if (screenshots) await shoot(page, 'duty-to-notify-declined');
    await submit(page, 'Continue');
  }
  assert.equal(pathOf(page), '/referrals/new/person', 'a child is not asked for consent');
  await page.check('input[name=gender][value=female]');
  await page.selectOption('#nationality', 'AL');
  await submit(page, 'Continue');
  assert.equal(pathOf(page), '/referrals/new/exploitation');
  await page.check('input[name=forms][value=forced-to-commit-crime]');
  await page.check('input[name=location][value=uk]');
  await submit(page, 'Continue');
  if (name) {
    assert.equal(pathOf(page), '/referrals/new/identity');
    await page.fill('#full_name', name);
    await page.fill('#dob-day', '3');
    await page.fill('#dob-month', '4');
    await page.fill('#dob-year', age === 'adult' ? '1990' : '2010');
    await page.fill('#account', 'Made to work in a nail bar for no pay.');
    await submit(page, 'Continue');
    // Context for inconsistencies in the account: optional, so left blank here.
    assert.equal(pathOf(page), '/referrals/new/context');
    await submit(page, 'Continue');
  }
  assert.equal(pathOf(page), '/referrals/new/check', 'a Duty to Notify report does not ask who they are');
  assert.match(await page.textContent('h1'), /Check your answers/);
  if (screenshots) await shoot(page, 'referral-check-answers');
  await submit(page, consent === 'no' ? 'Send Duty to Notify report' : 'Send referral');
  assert.match(pathOf(page), /^\/referrals\/sent\//);
  await page.locator('.govuk-panel--confirmation').waitFor();
  if (screenshots) await shoot(page, consent === 'no' ? 'duty-to-notify-sent' : 'referral-sent');
  return pathOf(page);
}
