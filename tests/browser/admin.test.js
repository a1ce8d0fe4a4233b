// The administrator's pages: organisations, users (a new user who can see identities needs a
// second administrator, who sees the code once; disabling them ends their session), account
// requests, and the master keys. Anyone else is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, signUp, go, submit, shoot, pathOf } from './lib/browser.js';
import { startServer } from './lib/server.js';
import { totp } from './lib/totp.js';

let server;
let browser;
let admin;
let second;
let code;
before(async () => {
  server = await startServer();
  browser = await launch();
  admin = await signUp(browser, server, 'Safeguard administrators', 'admin', 'ada');
  second = await signUp(browser, server, 'Safeguard administrators', 'admin', 'bea');
});

/** The second administrator approves the newest request for `name` and returns the code. */
async function approvedBySecond(name) {
  await go(second, '/admin/requests');
  await shoot(second, 'admin-requests');
  await second.getByRole('link', { name: `Approve (${name})` }).first().click();
  await second.waitForLoadState();
  await go(second, pathOf(second));
  assert.match(await second.textContent('#request-name'), new RegExp(name));
  await submit(second, 'Approve and show the code');
  const shown = (await second.textContent('#sign-in-code')).trim();
  assert.ok(shown.length >= 40, shown);
  return shown;
}
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Someone given a one-time code by the administrator signs in for the first time. */
async function firstSignIn(oneTimeCode) {
  const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await go(page, '/sign-in/code');
  await page.fill('#code', oneTimeCode);
  await submit(page, 'Continue');
  assert.equal(pathOf(page), '/account/password');
  await page.fill('#password', 'another long pass phrase');
  await page.fill('#confirmation', 'another long pass phrase');
  await submit(page, 'Save password');
  if (pathOf(page) === '/account/two-factor') {
    await page.fill('#code', totp((await page.textContent('#secret')).trim()));
    await submit(page, 'Continue');
  }
  return page;
}

test('the administrator adds a decision-making body', async () => {
  await admin.getByRole('link', { name: 'Organisations', exact: true }).click();
  await admin.waitForLoadState();
  await go(admin, pathOf(admin));
  assert.equal(pathOf(admin), '/admin/organisations');
  assert.match(await admin.textContent('#organisations'), /Safeguard administrators/);
  await shoot(admin, 'admin-organisations');

  // A competent authority must name the authority it decides for.
  await admin.fill('#name', 'North Decisions');
  await admin.check('#kind-competent-authority');
  await submit(admin, 'Add organisation');
  assert.equal(await admin.locator('.govuk-error-summary a[href="#competent_authority"]').count(), 1);
  await shoot(admin, 'admin-organisation-error');

  await admin.check('#competent_authority-sca');
  await submit(admin, 'Add organisation');
  assert.match(await admin.textContent('#added'), /North Decisions was added/);
  assert.match(await admin.textContent('#organisations'), /North Decisions[\s\S]*Single Competent Authority/);
});

test('the administrator adds a user, who signs in with the code shown once', async () => {
  await go(admin, '/admin/users');
  await shoot(admin, 'admin-users');
  await admin.selectOption('#org', { label: 'North Decisions' });
  await admin.selectOption('#role', 'decision-maker');
  await admin.fill('#name', 'dina');
  await submit(admin, 'Add user');
  // A decision maker sees identities: the request waits for a second administrator.
  assert.match(await admin.textContent('h1'), /Request sent/);
  assert.equal(await admin.locator('#sign-in-code').count(), 0);
  await shoot(admin, 'admin-user-requested');
  code = await approvedBySecond('dina');
  assert.match(await second.textContent('h1'), /User added/);
  await shoot(second, 'admin-user-added');

  const dina = await firstSignIn(code);
  assert.equal(pathOf(dina), '/cases');
  await go(admin, '/admin/users');
  assert.match(await admin.textContent('#users'), /dina[\s\S]*North Decisions[\s\S]*Active/);

  // Disabling: a confirmation step, then their session ends at once.
  await admin.getByRole('link', { name: 'Disable dina' }).click();
  await admin.waitForLoadState();
  await go(admin, pathOf(admin));
  assert.match(await admin.textContent('h1'), /Disable dina\?/);
  await shoot(admin, 'admin-disable');
  await submit(admin, 'Disable this user');
  assert.equal(pathOf(admin), '/admin/users');
  assert.match(await admin.textContent('#disabled'), /dina was disabled/);
  await dina.goto('/cases');
  assert.equal(pathOf(dina), '/sign-in');
});

test('the administrator issues a new sign-in code, and the user signs in with it', async () => {
  await go(admin, '/admin/users');
  await admin.getByRole('link', { name: 'Issue a new code (admin)' }).click();
  await admin.waitForLoadState();
  await go(admin, pathOf(admin));
  assert.match(await admin.textContent('h1'), /Issue a new sign-in code to admin\?/);
  await submit(admin, 'Issue a new code');
  assert.match(await admin.textContent('h1'), /Request sent/);
  const fresh = await approvedBySecond('admin');
  assert.match(await second.textContent('h1'), /New sign-in code issued/);
  await shoot(second, 'admin-new-code');
  // An administrator's home is the users page: they see no case.
  const first = await firstSignIn(fresh);
  assert.equal(pathOf(first), '/admin/users');
});

test('the administrator sees the master keys and how to rotate them', async () => {
  await go(admin, '/admin/keys');
  const main = await admin.textContent('main');
  assert.match(main, /master-0001/);
  assert.match(main, /Seals new data/);
  assert.match(main, /safeguard keys rotate/);
  await shoot(admin, 'admin-keys');
});

test('a first responder is refused the administration pages', async () => {
  const fr = await signUp(browser, server, 'Hope NGO', 'first-responder', 'fran');
  assert.equal(await fr.getByRole('link', { name: 'Users', exact: true }).count(), 0);
  for (const path of ['/admin/organisations', '/admin/users', '/admin/keys']) {
    assert.equal((await go(fr, path)).status(), 403, path);
  }
});
