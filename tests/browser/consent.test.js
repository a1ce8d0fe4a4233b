// A consent given, used, then withdrawn: by the caseworker, and by the survivor in their own view.
// A consent to share with the police is pending until a colleague countersigns it or the survivor
// confirms it in their own view: only then do the police read the identity.
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

async function recordConsent(fr, caseId) {
  await go(fr, `/cases/${caseId}/consents`);
  await fr.check('input[name=purpose][value=share-with-police]');
  await fr.fill('#recipient_org', 'City Police');
  await fr.check('input[name=categories][value=identity]');
  const until = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  await fr.fill('#expires_on-day', String(until.getUTCDate()));
  await fr.fill('#expires_on-month', String(until.getUTCMonth() + 1));
  await fr.fill('#expires_on-year', String(until.getUTCFullYear()));
  await fr.fill('#language', 'Albanian');
  await fr.check('#interpreter');
  await submit(fr, 'Record consent');
  assert.equal(pathOf(fr), `/cases/${caseId}/consents`);
  assert.match(await fr.textContent('#consent-table'), /Waiting for the person to confirm it/);
}

test('a consent is given, then withdrawn by the caseworker and by the survivor', async () => {
  const fr = await signUp(browser, server, 'Hope NGO', 'first-responder', 'sam');
  const police = await signUp(browser, server, 'City Police', 'police', 'pc');
  const colleague = await signUp(browser, server, 'Hope NGO', 'first-responder', 'kim');
  // The case belongs to Hope NGO: made through the API by a colleague.
  const caseId = await referByApi(server, server.token('Hope NGO', 'first-responder', 'api-fr'));
  const identity = `/cases/${caseId}/identity`;

  assert.equal((await go(police, identity)).status(), 403, 'no consent yet');

  await go(fr, `/cases/${caseId}`);
  await fr.getByRole('link', { name: /Consents/ }).click();
  await fr.waitForLoadState();
  // An empty form: the error summary names each field (the expiry too: every consent ends).
  await submit(fr, 'Record consent');
  assert.equal(await fr.locator('.govuk-error-summary a').count(), 4);
  await recordConsent(fr, caseId);
  await shoot(fr, 'consents-pending');
  assert.equal((await go(police, identity)).status(), 403, 'pending: not yet in force');

  // A colleague of the recorder countersigns, saying how it was explained.
  await go(colleague, `/cases/${caseId}/consents`);
  await colleague.locator('summary', { hasText: 'Countersign' }).click();
  await colleague.getByLabel('Language the consent was explained in').first().fill('Albanian');
  await colleague.getByLabel('Interpreter', { exact: true }).fill('Tirana Interpreting 42');
  await submit(colleague, 'Countersign consent');
  assert.match(await colleague.textContent('#consent-table'), /Countersigned by a colleague/);
  await shoot(colleague, 'consents');
  await go(fr, `/cases/${caseId}/consents`);

  assert.equal((await go(police, identity)).status(), 200);
  assert.match(await police.textContent('main'), /Ana Example/);

  await submit(fr, 'Withdraw consent for Sharing with the police to City Police');
  assert.match(await fr.textContent('#consent-table'), /Withdrawn on/);
  assert.equal((await go(police, identity)).status(), 403, 'withdrawn: refused at once');

  // Given again; this time the survivor confirms it in their own view, then takes it back.
  await recordConsent(fr, caseId);
  assert.equal((await go(police, identity)).status(), 403, 'pending again: not in force');
  await submit(fr, 'Give the person a code');
  const code = (await fr.textContent('#survivor-code')).trim();
  await shoot(fr, 'survivor-code-issued');

  const context = await browser.newContext({ baseURL: server.base });
  const survivor = await context.newPage();
  await go(survivor, '/survivor');
  await shoot(survivor, 'survivor-code');
  await survivor.fill('#code', code);
  await submit(survivor, 'Continue');
  assert.equal(pathOf(survivor), '/survivor/view');
  assert.match(await survivor.textContent('main'), /City Police/);
  assert.match(await survivor.textContent('main'), /waiting for you to confirm/);
  await shoot(survivor, 'survivor-view-pending');
  await submit(survivor, 'Yes, I agree: confirm this');
  assert.match(await survivor.textContent('main'), /You confirmed it/);
  assert.equal((await go(police, identity)).status(), 200, 'confirmed by the survivor: in force');
  await shoot(survivor, 'survivor-view');
  await submit(survivor, 'Take back this agreement');
  // Asked first, beside the agreement; then told it is done.
  assert.match(await survivor.textContent('#confirm-withdraw'), /Are you sure/);
  await shoot(survivor, 'survivor-withdraw-confirm');
  await submit(survivor, 'Yes, take it back');
  assert.equal(pathOf(survivor), '/survivor/view');
  assert.match(await survivor.textContent('.govuk-notification-banner--success'), /You took back this agreement/);
  assert.equal(await survivor.getByRole('button', { name: 'Take back this agreement' }).count(), 0);
  assert.equal((await go(police, identity)).status(), 403, 'withdrawn by the survivor: refused at once');

  // In Welsh (reviewed), then Arabic (right to left, awaiting review), chosen with the switcher.
  await survivor.getByRole('link', { name: 'Cymraeg' }).click();
  await survivor.waitForLoadState();
  await go(survivor, '/survivor/view');
  assert.equal(await survivor.getAttribute('html', 'lang'), 'cy');
  assert.match(await survivor.textContent('h1'), /Eich gwybodaeth/);
  assert.match(await survivor.textContent('main'), /Fe wnaethoch ei dynnu'n ôl/);
  assert.equal(await survivor.locator('#translation-review').count(), 0);
  await shoot(survivor, 'survivor-view-cy');
  await go(survivor, '/survivor/view?lang=ar');
  assert.equal(await survivor.getAttribute('html', 'lang'), 'ar');
  assert.equal(await survivor.getAttribute('html', 'dir'), 'rtl');
  assert.match(await survivor.textContent('h1'), /معلوماتك/);
  assert.match(await survivor.textContent('#translation-review'), /مترجم محترف/);
  // The inset bar is on the side the text starts from (the right, in Arabic), and the case
  // reference keeps its own direction.
  const bar = await survivor.$eval('#translation-review', (e) => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]);
  assert.deepEqual(bar, ['10px', '0px'], 'the inset bar does not mirror');
  assert.equal(await survivor.locator('#case-reference bdi').count(), 1);
  await shoot(survivor, 'survivor-view-ar');
  for (const lang of ['sq', 'vi', 'ti']) {
    await go(survivor, `/survivor/view?lang=${lang}`);
    assert.equal(await survivor.getAttribute('html', 'lang'), lang);
    assert.equal(await survivor.locator('#translation-review').count(), 1, `${lang} is marked as awaiting review`);
    await shoot(survivor, `survivor-view-${lang}`);
  }
  // The code page follows the remembered language.
  await go(survivor, '/survivor');
  assert.equal(await survivor.getAttribute('html', 'lang'), 'ti');
  await go(survivor, '/survivor?lang=ar');
  await shoot(survivor, 'survivor-code-ar');
});

// Issue 20: a frightened person on a borrowed phone can leave at once, and can sign out.
test('the survivor signs out, and leaves quickly by the exit button or Shift three times', async () => {
  const fr = await signUp(browser, server, 'Hope NGO', 'first-responder', 'lee');
  const caseId = await referByApi(server, server.token('Hope NGO', 'first-responder', 'api-lee'));
  const newCode = async () => {
    await go(fr, `/cases/${caseId}/consents`);
    await submit(fr, 'Give the person a code');
    return (await fr.textContent('#survivor-code')).trim();
  };
  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 375, height: 800 } });
  // The exit goes through the server (which ends the session) to the neutral site. Chromium does
  // not route a redirect's target, so the server's answer is checked here and the neutral site
  // answered in its place: no network is needed.
  const exits = [];
  await context.route('**/survivor/exit', async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    exits.push([response.status(), response.headers().location]);
    await route.fulfill({
      contentType: 'text/html', body: '<!DOCTYPE html><html lang="en"><title>Weather</title><h1>Weather</h1></html>',
    });
  });
  const leftFor = async (action) => {
    await Promise.all([survivor.waitForURL('**/survivor/exit'), action()]);
    assert.equal(await survivor.textContent('h1'), 'Weather');
    assert.deepEqual(exits.pop(), [303, 'https://www.bbc.co.uk/weather']);
  };
  const survivor = await context.newPage();
  const signIn = async () => {
    const code = await newCode();
    await go(survivor, '/survivor');
    await survivor.fill('#code', code);
    await submit(survivor, 'Continue');
    assert.equal(pathOf(survivor), '/survivor/view');
  };
  const exit = survivor.getByRole('button', { name: /Exit this page/ });

  // Signing out ends the session and says how to get back in.
  await signIn();
  await submit(survivor, 'Sign out');
  assert.match(await survivor.textContent('h1'), /You are signed out/);
  assert.match(await survivor.textContent('main'), /same code/);
  await shoot(survivor, 'survivor-signed-out');
  await go(survivor, '/survivor/view');
  assert.equal(pathOf(survivor), '/survivor', 'the view opened after signing out');

  // The exit is at the top of a phone's screen; it lands off-site and Back does not return.
  await signIn();
  const box = await exit.boundingBox();
  assert.ok(box && box.y + box.height < 800, 'the exit is not on the first screen at 375px');
  await shoot(survivor, 'survivor-view-exit');
  const entries = await survivor.evaluate(() => history.length);
  await leftFor(() => exit.click());
  // The exit replaced the view in the history (location.replace): Back cannot return to it.
  assert.equal(await survivor.evaluate(() => history.length), entries, 'the exit added a history entry');
  await survivor.goBack();
  assert.notEqual(survivor.url().includes('/survivor/view'), true, 'Back returned to the view');
  await go(survivor, '/survivor/view');
  assert.equal(pathOf(survivor), '/survivor', 'the view opened after the quick exit');

  // Shift pressed three times leaves too, from the code page.
  await go(survivor, '/survivor');
  await leftFor(async () => { for (let i = 0; i < 3; i += 1) await survivor.keyboard.press('Shift'); });
  await context.close();
});
