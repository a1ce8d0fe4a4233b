// The decision makers' queue: cases referred on different days through the API are listed
// soonest deadline first on the decision maker's /cases, each deadline named and warned about in
// words, and the "Sort by" control switches to newest first as a plain GET form.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, submit, shoot, pathOf } from './lib/browser.js';
import { referByApi } from './lib/api.js';
import { startServer } from './lib/server.js';

let server;
let browser;
const ids = {};
before(async () => {
  server = await startServer();
  browser = await launch();
  const token = server.token('Hope NGO', 'first-responder', 'api-fr');
  // Referred in this order, so that newest-first and deadline-first disagree.
  ids.today = await referByApi(server, token, 0);
  ids.overdue = await referByApi(server, token, 30);
  ids.recent = await referByApi(server, token, 4);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The case ids of the list's rows, top to bottom. */
async function listed(page) {
  const hrefs = await page.locator('table tbody a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  return hrefs.map((h) => h.replace('/cases/', '').split('?')[0]);
}

test("a decision maker's list is their queue, soonest deadline first", async () => {
  const dm = await signUp(browser, server, 'Single Competent Authority', 'decision-maker', 'queue-dm');
  assert.equal(pathOf(dm), '/cases');
  assert.deepEqual(await listed(dm), [ids.overdue, ids.recent, ids.today]);
  assert.equal(await dm.locator('#sort').inputValue(), 'deadline');
  const main = await dm.textContent('main');
  assert.match(main, /Reasonable grounds decision/);
  assert.match(main, /Overdue by \d+ days/);
  // The warning is a tag with words in it, never colour alone.
  const overdueRow = dm.locator('table tbody tr').first();
  assert.match(await overdueRow.locator('.govuk-tag').textContent(), /Overdue by \d+ days/);
  await shoot(dm, 'decision-maker-queue-sorted');

  // Newest first, chosen with the form (a GET: the choice is in the address).
  await dm.selectOption('#sort', 'newest');
  await submit(dm, 'Filter');
  assert.match(dm.url(), /sort=newest/);
  assert.deepEqual(await listed(dm), [ids.today, ids.recent, ids.overdue]);

  // The same works without JavaScript.
  const plain = await signUp(browser, server, 'Single Competent Authority', 'decision-maker', 'queue-dm-nojs', {
    javaScriptEnabled: false,
  });
  assert.deepEqual(await listed(plain), [ids.overdue, ids.recent, ids.today]);
  await go(plain, '/cases?sort=newest');
  assert.deepEqual(await listed(plain), [ids.today, ids.recent, ids.overdue]);
});
