// Issue 20: a survivor sign-in a frightened person on a borrowed phone can use. The caseworker
// gives a short code with a printed slip in the person's language; the person types it on a
// phone in lower case with spaces, leaves by the quick exit, comes back with the same code; the
// caseworker ends it and it no longer opens anything.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, submit, shoot, pathOf } from './lib/browser.js';
import { referByApi } from './lib/api.js';
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

test('a code on a slip in Welsh or Arabic, typed loosely on a phone, reused, then ended', async () => {
  const fr = await signUp(browser, server, 'Hope NGO', 'first-responder', 'nia');
  const caseId = await referByApi(server, server.token('Hope NGO', 'first-responder', 'api-nia'));
  const give = async (lang) => {
    await go(fr, `/cases/${caseId}/consents`);
    await fr.check(`#slip_lang-${lang}`);
    await submit(fr, 'Give the person a code');
    const code = (await fr.textContent('#survivor-code')).trim();
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    return code;
  };

  // An Arabic slip: right to left, the code and address kept left to right.
  const first = await give('ar');
  await submit(fr, 'Open the printable slip');
  assert.equal(await fr.getAttribute('html', 'lang'), 'ar');
  assert.equal(await fr.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await fr.getAttribute('#slip-code', 'dir'), 'ltr');
  await shoot(fr, 'survivor-slip-ar');

  // A Welsh one replaces it: one live code per case.
  const code = await give('cy');
  assert.notEqual(code, first);
  await shoot(fr, 'survivor-code-given');
  await submit(fr, 'Open the printable slip');
  assert.equal(await fr.getAttribute('html', 'lang'), 'cy');
  assert.equal((await fr.textContent('#slip-code')).trim(), code);
  const slip = await fr.textContent('.sg-slip');
  assert.ok(slip.includes(`${server.base}/survivor`), `no full address on the slip: ${slip}`);
  assert.match(slip, /mor aml ag sydd ei angen/);
  assert.match(slip, /Shift 3 gwaith/);
  assert.equal(await fr.locator('nav').count(), 0, 'navigation on the slip');
  await shoot(fr, 'survivor-slip-cy');

  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 375, height: 800 } });
  // The exit reaches the server (which ends the session); the neutral site is answered here.
  await context.route('**/survivor/exit', async (route) => {
    const left = await route.fetch({ maxRedirects: 0 });
    assert.equal(left.status(), 303);
    await route.fulfill({ contentType: 'text/html', body: '<!DOCTYPE html><html lang="en"><title>Weather</title><h1>Weather</h1></html>' });
  });
  const survivor = await context.newPage();
  const typeCode = async (typed) => {
    await go(survivor, '/survivor?lang=cy');
    await survivor.fill('#code', typed);
    await submit(survivor, 'Parhau');
  };
  // The Arabic slip's code was ended by the Welsh one.
  await typeCode(first);
  assert.equal(pathOf(survivor), '/survivor');
  assert.match(await survivor.textContent('.govuk-error-summary'), /Nid yw’r cod hwn yn gweithio/);

  const loosely = code.toLowerCase().replaceAll('-', ' ');
  await typeCode(loosely);
  assert.equal(pathOf(survivor), '/survivor/view');
  assert.match(await survivor.textContent('h1'), /Eich gwybodaeth/);
  // Where the case is, in Welsh, dates in words, before any decision.
  const status = await survivor.textContent('#case-status');
  assert.match(status, /Cafodd eich atgyfeiriad ei wneud ar \d{1,2} \S+ \d{4}/);
  assert.match(status, /Mae gwneuthurwr penderfyniadau yn edrych ar eich atgyfeiriad/);
  assert.doesNotMatch(status, /\d{4}-\d{2}-\d{2}/, `an ISO date: ${status}`);
  await shoot(survivor, 'survivor-view-phone-cy');
  await Promise.all([survivor.waitForURL('**/survivor/exit'), survivor.getByRole('button', { name: /Gadael y dudalen hon/ }).click()]);
  assert.equal(await survivor.textContent('h1'), 'Weather');

  // The same code again, after the quick exit; the exit is in the person's own trail.
  await typeCode(loosely);
  assert.equal(pathOf(survivor), '/survivor/view');
  assert.match(await survivor.textContent('main'), /Defnyddioch chi’r allanfa gyflym/);

  // The caseworker ends it: asked first, told after; the person's session ends with it.
  await go(fr, `/cases/${caseId}/consents`);
  assert.match(await fr.textContent('#live-code'), /works until/);
  await go(fr, `/cases/${caseId}/survivor-code/end`);
  await shoot(fr, 'survivor-code-end');
  await submit(fr, 'End this code');
  assert.match(await fr.textContent('.govuk-notification-banner--success'), /The code was ended/);
  assert.equal(await fr.locator('#live-code').count(), 0);
  await go(survivor, '/survivor/view');
  assert.equal(pathOf(survivor), '/survivor', 'the session outlived the ended code');
  await typeCode(loosely);
  assert.equal(pathOf(survivor), '/survivor');
  assert.match(await survivor.textContent('.govuk-error-summary'), /Nid yw’r cod hwn yn gweithio/);
  await shoot(survivor, 'survivor-code-ended-cy');
  await context.close();
});
