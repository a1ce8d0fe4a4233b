// The case journeys of support providers, guardians and legal advisers, and the decision
// maker's other steps: support entry and exit, a child's guardian, a reconsideration, and
// temporary permission to stay. Each step goes through its own form (`/cases/{id}/act/...`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, submit, shoot, pathOf, confirmStep } from './lib/browser.js';
import { dateParts, referByApi } from './lib/api.js';
import { startServer } from './lib/server.js';

let server;
let browser;
let ngoToken;
let dmToken;
let reviewerToken;
before(async () => {
  server = await startServer();
  browser = await launch();
  ngoToken = server.token('Hope NGO', 'first-responder', 'api-fr');
  dmToken = server.token('Single Competent Authority', 'decision-maker', 'api-dm');
  reviewerToken = server.token('Single Competent Authority', 'decision-maker', 'api-reviewer');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A lifecycle action through the JSON API, for the steps a journey starts after. */
async function act(token, caseId, body) {
  const response = await fetch(`${server.base}/api/v1/cases/${caseId}/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`action refused: ${response.status} ${await response.text()}`);
}

const isoDaysAgo = (days) => new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);

/** Opens the case and follows the offered step's button. */
async function startStep(page, caseId, name) {
  await go(page, `/cases/${caseId}`);
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForLoadState();
  await go(page, pathOf(page));
}

test('an NGO arranges support and the support provider records its end', async () => {
  const caseId = await referByApi(server, ngoToken, 3);
  const provider = await signUp(browser, server, 'Safe House Trust', 'support-provider', 'sam');
  // Not the provider's case yet.
  assert.equal((await go(provider, `/cases/${caseId}`)).status(), 404);

  const ngo = await signUp(browser, server, 'Hope NGO', 'first-responder', 'nia');
  await startStep(ngo, caseId, 'Record entry into support');
  // The provider's name is required: the error summary links to the field.
  await submit(ngo, 'Record entry into support');
  assert.equal(await ngo.locator('.govuk-error-summary a[href="#provider"]').count(), 1);
  await ngo.selectOption('#provider', 'Safe House Trust');
  await shoot(ngo, 'act-enter-support');
  await submit(ngo, 'Record entry into support');
  await confirmStep(ngo, 'Record entry into support');
  assert.equal(pathOf(ngo), `/cases/${caseId}`);
  assert.match(await ngo.textContent('main'), /Entered support with Safe House Trust/);

  await go(provider, '/cases');
  await provider.getByRole('link', { name: /SG-/ }).first().click();
  await provider.waitForLoadState();
  assert.equal(pathOf(provider), `/cases/${caseId}`);
  await shoot(provider, 'support-provider-case');
  await startStep(provider, caseId, 'Record exit from support');
  // Why is a coded answer (issue 18); more words are optional.
  await submit(provider, 'Record exit from support');
  assert.equal(await provider.locator('.govuk-error-summary a[href="#exit_reason"]').count(), 1);
  await provider.getByLabel('The person chose to leave support').check();
  await provider.fill('#reason', 'Moved in with family.');
  await submit(provider, 'Record exit from support');
  await confirmStep(provider, 'Record exit from support');
  // Support ended, and with it the provider's sight of the person: back to its list.
  assert.equal(pathOf(provider), '/cases');
  assert.equal((await go(provider, `/cases/${caseId}`)).status(), 404);
  await go(ngo, `/cases/${caseId}`);
  const main = await ngo.textContent('main');
  assert.match(main, /Left support\. The person chose to leave support/);
  assert.match(main, /Moved in with family\./);
});

test('a decision maker assigns a guardian to a child, who then sees the case', async () => {
  const response = await fetch(`${server.base}/api/v1/referrals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ngoToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      jurisdiction: 'england-wales',
      age_at_exploitation: 'child',
      gender: 'male',
      nationalities: ['VN'],
      exploitation_types: ['criminal'],
      exploitation_location: 'uk',
      referred_on: isoDaysAgo(2),
      identity: { full_name: 'Minh Example' },
    }),
  });
  assert.equal(response.status, 201);
  const caseId = (await response.json()).case_id;
  const guardian = await signUp(browser, server, 'Guardian Service', 'guardian', 'gwen');
  assert.equal((await go(guardian, `/cases/${caseId}`)).status(), 404);

  const dm = await signUp(browser, server, 'Single Competent Authority', 'decision-maker', 'dora');
  await startStep(dm, caseId, 'Assign a guardian');
  await dm.selectOption('#guardian', 'Guardian Service');
  await shoot(dm, 'act-assign-guardian');
  await submit(dm, 'Assign guardian');
  await confirmStep(dm, 'Assign guardian');
  assert.equal(pathOf(dm), `/cases/${caseId}`);
  assert.match(await dm.textContent('main'), /guardian assigned: Guardian Service/);

  await go(guardian, '/cases');
  assert.match(await guardian.textContent('main'), /Child/);
  await shoot(guardian, 'guardian-cases');
  await guardian.getByRole('link', { name: /SG-/ }).first().click();
  await guardian.waitForLoadState();
  await go(guardian, pathOf(guardian));
  assert.equal(pathOf(guardian), `/cases/${caseId}`);
  const main = await guardian.textContent('main');
  assert.match(main, /Minh Example/);
  assert.match(main, /guardian assigned: Guardian Service/);
  await shoot(guardian, 'guardian-case');
});

test('a legal adviser asks for a negative decision to be reconsidered and the decision maker overturns it', async () => {
  const caseId = await referByApi(server, ngoToken, 20);
  await act(dmToken, caseId, {
    action: 'decide-reasonable-grounds', outcome: 'negative', reasons: 'No indicators found.', date: isoDaysAgo(10),
  });
  // A negative decision is served once a second decision maker agrees it.
  await act(reviewerToken, caseId, { action: 'review-negative-decision', agreed: true, date: isoDaysAgo(10) });
  const adviser = await signUp(browser, server, 'Law Centre', 'legal-adviser', 'lee');
  // The person chose this legal adviser: until their caseworker records it, the adviser sees nothing.
  assert.equal((await go(adviser, `/cases/${caseId}`)).status(), 404);
  const ngo = await signUp(browser, server, 'Hope NGO', 'first-responder', 'noor');
  await startStep(ngo, caseId, "Record a legal adviser's instruction");
  await ngo.selectOption('#organisation', 'Law Centre');
  // The person's agreement is required.
  await submit(ngo, 'Record instruction');
  assert.equal(await ngo.locator('.govuk-error-summary a[href="#person_agreed"]').count(), 1);
  await ngo.check('#person_agreed');
  await shoot(ngo, 'act-instruct-legal-adviser');
  await submit(ngo, 'Record instruction');
  await confirmStep(ngo, 'Record instruction');
  assert.match(await ngo.textContent('main'), /Legal adviser instructed: Law Centre/);
  await startStep(adviser, caseId, 'Request a reconsideration');
  // The window for this case, from the rules in force on the decision day.
  assert.match(await adviser.textContent('#rules-in-force'), /within 30 calendar days/);
  // The rule's source and history are behind a link, on the rules page (issue 20).
  const ruleLink = await adviser.getAttribute('#rules-in-force a', 'href');
  assert.equal(ruleLink, '/rules?jurisdiction=england-wales#rule-reconsideration-window_days');
  assert.equal((await go(adviser, ruleLink)).status(), 200);
  assert.match(await adviser.textContent('#rule-reconsideration-window_days'), /In force since[\s\S]*Source/);
  await shoot(adviser, 'rules');
  await startStep(adviser, caseId, 'Request a reconsideration');
  await adviser.check('input[name=question][value=reasonable-grounds]');
  // The grounds and new evidence go with the request (issue 17).
  await adviser.fill('#grounds', 'A psychiatric report explains the gaps in the account.');
  await shoot(adviser, 'act-request-reconsideration');
  await submit(adviser, 'Request reconsideration');
  await confirmStep(adviser, 'Request reconsideration');
  assert.equal(pathOf(adviser), `/cases/${caseId}`);
  assert.match(await adviser.textContent('main'), /Reconsideration of the reasonable grounds decision requested/);
  assert.match(await adviser.textContent('main'), /A psychiatric report explains the gaps in the account/);

  const dm = await signUp(browser, server, 'Single Competent Authority', 'decision-maker', 'dan');
  await startStep(dm, caseId, 'Decide the reconsideration');
  await dm.check('input[name=outcome][value=overturned]');
  await dm.fill('#reasons', 'New evidence from the legal adviser.');
  await shoot(dm, 'act-decide-reconsideration');
  await submit(dm, 'Record outcome');
  await confirmStep(dm, 'Record outcome');
  assert.equal(pathOf(dm), `/cases/${caseId}`);
  const main = await dm.textContent('main');
  assert.match(main, /decision overturned/);
  assert.match(main, /Recovery period started/);
});

test('after a positive conclusive decision a legal adviser applies for permission to stay and it is granted', async () => {
  const caseId = await referByApi(server, ngoToken, 40);
  await act(dmToken, caseId, {
    action: 'decide-reasonable-grounds', outcome: 'positive', reasons: 'Credible account.', date: isoDaysAgo(35),
  });
  await act(dmToken, caseId, { action: 'decide-conclusive-grounds', outcome: 'positive', reasons: 'Met.' });
  const adviser = await signUp(browser, server, 'Law Centre', 'legal-adviser', 'lyn');
  await act(ngoToken, caseId, { action: 'instruct-legal-adviser', organisation: 'Law Centre', person_agreed: true });
  await startStep(adviser, caseId, 'Apply for permission to stay');
  assert.match(await adviser.textContent('#rules-in-force'), /Temporary permission to stay must be granted/);
  const [d, m, y] = dateParts(0);
  await adviser.fill('#date-day', d);
  await adviser.fill('#date-month', m);
  await adviser.fill('#date-year', y);
  await shoot(adviser, 'act-apply-for-permission-to-stay');
  await submit(adviser, 'Record application');
  await confirmStep(adviser, 'Record application');
  assert.equal(pathOf(adviser), `/cases/${caseId}`);
  assert.match(await adviser.textContent('main'), /Applied for temporary permission to stay/);

  const dm = await signUp(browser, server, 'Single Competent Authority', 'decision-maker', 'dev');
  await startStep(dm, caseId, 'Decide permission to stay');
  await submit(dm, 'Record decision');
  assert.equal(await dm.locator('.govuk-error-summary a[href="#decision"]').count(), 1);
  await dm.check('input[name=decision][value=granted]');
  await shoot(dm, 'act-decide-permission-to-stay');
  await submit(dm, 'Record decision');
  await confirmStep(dm, 'Record decision');
  assert.equal(pathOf(dm), `/cases/${caseId}`);
  assert.match(await dm.textContent('main'), /Temporary permission to stay granted/);
  await shoot(dm, 'case-permission-granted');
});
