// Debian's Chromium driven by playwright-core, with axe-core run on every page visited (its
// HTML kept for the Nu HTML Checker) and screenshots of the main pages at phone and desktop
// widths, where neither the page nor a table may scroll sideways.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { kept, track } from './html.js';
import { freshTotp, step, totp } from './totp.js';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const screenshotDir = resolve(
  process.env.SCREENSHOT_DIR || join(import.meta.dirname, '..', '..', '..', 'target', 'screenshots'),
);
export const shots = [];
export const audited = new Set();
const noScript = new WeakSet();

/** Launches Chromium from the system (never a downloaded browser). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Runs axe-core on the page (with target-size); fails on any serious or critical violation.
 *  The page's HTML, as sent, is kept for the Nu HTML Checker (html-check.js). */
export async function audit(page) {
  track(page);
  await kept(page);
  // With scripts off nothing can be evaluated in the page; those pages are audited in the
  // journeys that run with scripts on.
  if (noScript.has(page)) return;
  // Evaluated over the DevTools protocol, so the pages' Content-Security-Policy still holds.
  await page.evaluate(axeSource);
  // target-size (WCAG 2.5.8) is off in axe by default; Lighthouse turns it on, and so do we.
  const result = await page.evaluate(() => globalThis.axe.run(document, {
    resultTypes: ['violations'],
    rules: { 'target-size': { enabled: true } },
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const where = new URL(page.url()).pathname;
  audited.add(where.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}'));
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe-core on ${where}`,
  );
}

/** Opens a path and audits it. */
export async function go(page, path) {
  track(page);
  const response = await page.goto(path);
  await audit(page);
  return response;
}

/** Clicks a submit button (by its text) and audits the page that comes back. */
export async function submit(page, text) {
  track(page);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: text, exact: true }).click()]);
  await audit(page);
}

/** The confirmation before an irreversible step ("Check before you record this"): checks it
 *  is there and confirms with the button `text` (the step's own button). */
export async function confirmStep(page, text) {
  assert.equal(await page.locator('#confirm-answers').count(), 1, `no confirmation page at ${page.url()}`);
  await submit(page, text);
}

/** Writes full-page screenshots at 375px (phone) and 1280px (desktop) wide. */
export async function shoot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const before = page.viewportSize();
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    // Reflow (WCAG 1.4.10): nothing makes the page scroll sideways, even on a phone.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width) {
      const culprits = await page.evaluate((w) => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > w && e.parentElement.getBoundingClientRect().right <= w)
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`), width);
      assert.fail(`${name} is ${wide}px wide at ${width}px, the page scrolls sideways: ${culprits.join(', ')}`);
    }
    if (width === 375 && !noScript.has(page)) {
      // Targets at least 24px (WCAG 2.5.8) on a phone too, where the header wraps.
      await page.evaluate(axeSource);
      const small = await page.evaluate(() => globalThis.axe.run(document, {
        runOnly: ['target-size'], resultTypes: ['violations'],
      }));
      const targets = small.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
      assert.deepEqual(targets, [], `${name}: targets smaller than 24px at 375px`);
    }
    if (width === 375) {
      // No table scrolls sideways on a phone either: records stack, one block per row; a table
      // of figures may scroll in its own box, which the keyboard can reach and its caption names.
      const tables = await page.evaluate(() => [...document.querySelectorAll('main table')].map((t) => ({
        id: t.id || t.className,
        wide: t.scrollWidth > t.clientWidth + 1,
        scroll: t.classList.contains('sg-table--scroll'),
        named: t.tabIndex === 0 && !!t.querySelector('caption')?.textContent.trim(),
      })));
      const bad = tables.filter((t) => (t.scroll ? !t.named : t.wide)).map((t) => t.id);
      assert.deepEqual(bad, [], `${name}: tables that scroll sideways at 375px (or scroll unnamed)`);
    }
    const file = join(screenshotDir, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  }
  await page.setViewportSize(before);
}

const password = 'correct horse battery staple';

/** A new user signs in with their one-time code, chooses a password and, where required,
 *  enrols an authenticator; returns their page, on their home page. */
export async function signUp(browser, server, org, role, name, { javaScriptEnabled = true } = {}) {
  const code = server.user(org, role, name);
  const context = await browser.newContext({
    baseURL: server.base,
    viewport: { width: 1280, height: 800 },
    javaScriptEnabled,
  });
  const page = await context.newPage();
  track(page);
  if (!javaScriptEnabled) noScript.add(page);
  await go(page, '/sign-in/code');
  await page.fill('#code', code);
  await submit(page, 'Continue');
  assert.equal(new URL(page.url()).pathname, '/account/password');
  await page.fill('#password', password);
  await page.fill('#confirmation', password);
  await submit(page, 'Save password');
  if (new URL(page.url()).pathname === '/account/two-factor') {
    const secret = (await page.textContent('#secret')).trim();
    await page.fill('#code', totp(secret));
    page.totpStep = step();
    await submit(page, 'Continue');
    // Kept for signing in again: every role that sees identities has an authenticator.
    page.totpSecret = secret;
  }
  return page;
}

/** Signs `page`'s user in again with their password (and authenticator, if they have one). */
export async function signInAgain(page, name) {
  await page.fill('#name', name);
  await page.fill('#password', password);
  await submit(page, 'Sign in');
  if (new URL(page.url()).pathname === '/sign-in/two-factor') {
    // Each code is taken once: wait for a step after the last code this user gave.
    await page.fill('#code', await freshTotp(page.totpSecret, page.totpStep));
    page.totpStep = step();
    await submit(page, 'Continue');
  }
}

/** The path of the page's URL. */
export const pathOf = (page) => new URL(page.url()).pathname;
