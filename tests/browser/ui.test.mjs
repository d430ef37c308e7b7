// ADAM's administration UI in a real browser (Debian's chromium driven by playwright-core).
// Started by scripts/browser-test, which runs `adam serve --demo` and passes ADAM_URL,
// ADAM_TOKENS (the demo's token file) and ARTIFACTS (where screenshots go).
//
// These flows authenticate with the demo accounts' API tokens (an Authorization header on
// every request of the context), so that each stands alone; signing in through the pages,
// with the second factor and the CSRF token of a cookie session, is account.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { day } from './dates.mjs';

const url = process.env.ADAM_URL;
const artifacts = process.env.ARTIFACTS ?? 'artifacts';
mkdirSync(artifacts, { recursive: true });
const tokens = Object.fromEntries(
  readFileSync(process.env.ADAM_TOKENS, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([label, , token]) => [label, token]),
);

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});
after(async () => {
  await browser?.close();
});

async function as(label, lang = 'sl') {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    extraHTTPHeaders: { Authorization: `Bearer ${tokens[label]}` },
  });
  const page = await context.newPage();
  if (lang !== 'sl') await page.goto(`${url}/ui?lang=${lang}`);
  return { context, page };
}


test('browse the tree, search, and open a job', async () => {
  const { context, page } = await as('clerk');
  await page.goto(`${url}/ui`);
  await assert.doesNotReject(page.getByText('Company.main').waitFor());
  // The first Tab reaches "skip to content", for keyboard users.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Na vsebino');
  await page.screenshot({ path: `${artifacts}/tree.png`, fullPage: true });
  // Expanding an office loads its jobs and people lazily (htmx), with the keyboard.
  const glpi = page.locator('#tree summary', { hasText: 'GLPI' }).first();
  await glpi.focus();
  await page.keyboard.press('Enter');
  await page.locator('a[href^="/ui/jobs/"]').first().waitFor();
  assert.ok(await page.locator('a[href^="/ui/jobs/"]').count() > 1);
  await page.screenshot({ path: `${artifacts}/tree-expanded.png`, fullPage: true });
  // Search by username.
  await page.fill('#q', 'vopiglpi01');
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=vopiglpi01/);
  const hit = page.locator('a[href^="/ui/users/"]').first();
  await hit.click();
  await page.getByRole('heading', { level: 2, name: 'Zadnja sprememba' }).waitFor();
  await page.screenshot({ path: `${artifacts}/user.png`, fullPage: true });
  await context.close();
});

test('a plain user sees no edit controls, and a forged POST is refused', async () => {
  const { context, page } = await as('clerk');
  await page.goto(`${url}/ui`);
  await page.locator('#tree summary', { hasText: 'GLPI' }).first().click();
  const job = page.locator('a[href^="/ui/jobs/"]').first();
  await job.waitFor();
  const href = await job.getAttribute('href');
  await page.goto(`${url}${href}`);
  await page.getByRole('heading', { name: 'Osnovni podatki' }).waitFor();
  assert.equal(await page.locator('#grant-form').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Odvzemi' }).count(), 0);
  const forged = await page.request.post(`${url}${href}/grants`, { form: { role: '0' } });
  assert.equal(forged.status(), 403);
  await context.close();
});

test('a user administrator grants a role for a window, sees its status, and revokes it', async () => {
  const { context, page } = await as('user-admin', 'en');
  await page.goto(`${url}/ui`);
  await page.locator('#tree summary', { hasText: 'GLPI' }).first().click();
  await page.locator('a[href^="/ui/jobs/"]').first().waitFor();
  // A job the administrator does not hold (nobody changes their own rights).
  const job = page
    .locator('#tree li', { has: page.locator('a[href^="/ui/jobs/"]') })
    .filter({ hasNotText: 'vopiglpi01' })
    .first()
    .locator('a[href^="/ui/jobs/"]')
    .first();
  await job.click();
  await page.getByRole('heading', { name: 'Basic data' }).waitFor();
  // Ticking a role's box grants it at once (htmx swaps the panel in place); unticking revokes.
  const box = page.locator('#roles-form input[name=role]:not(:checked)').first();
  const value = await box.getAttribute('value');
  await box.click();
  await page.locator(`#roles-form input[name=shown][value="${value}"]`).waitFor({ state: 'attached' });
  assert.equal(await page.locator('#roles-error').count(), 0);
  assert.ok(await page.locator(`#roles-form input[name=role][value="${value}"]`).isChecked());
  // The last change and the history follow in the same swap.
  assert.match(await page.locator('#last-change').textContent(), /ADAM_ENTITY_GRANT/);
  await page.screenshot({ path: `${artifacts}/job-role-ticked.png`, fullPage: true });
  await page.locator(`#roles-form input[name=role][value="${value}"]`).click();
  await page.locator(`#roles-form input[name=shown][value="${value}"]`).waitFor({ state: 'detached' });
  const rows = page.locator('#restrictions tbody tr');
  const before = await rows.count();
  const option = await page.locator('#role option').nth(1).textContent();
  await page.selectOption('#role', { index: 1 });
  await page.fill('#valid_from', day(0));
  await page.fill('#valid_to', day(30));
  await page.fill('#reference', 'ZAH-2026-17');
  await page.getByRole('button', { name: 'Grant', exact: true }).click();
  await page.waitForLoadState();
  await page.screenshot({ path: `${artifacts}/job-after-grant.png`, fullPage: true });
  assert.equal(await page.locator('.field-error, .error').count(), 0, await page.locator('main').textContent());
  assert.match(page.url(), /#restrictions/);
  assert.equal(await rows.count(), before + 1);
  const added = rows.filter({ hasText: day(30) === '' ? option : option.trim() }).last();
  assert.equal((await added.locator('td').nth(3).textContent()).trim(), 'ACTIVE');
  await page.screenshot({ path: `${artifacts}/job-granted.png`, fullPage: true });
  // The last change and the history now show the grant.
  assert.match(await page.locator('#last-change').textContent(), /ADAM_ENTITY_GRANT/);
  // A window that ends before it starts gets a message at the field and saves nothing.
  await page.selectOption('#role', { index: 1 });
  await page.fill('#valid_from', day(10));
  await page.fill('#valid_to', day(5));
  await page.getByRole('button', { name: 'Grant', exact: true }).click();
  await page.locator('.field-error').first().waitFor();
  assert.equal(await rows.count(), before + 1);
  await page.screenshot({ path: `${artifacts}/job-error.png`, fullPage: true });
  // Revoke it.
  await added.getByRole('button', { name: 'Revoke' }).click();
  await page.locator('#confirm-form button[type=submit]').click();
  await page.waitForURL(/#restrictions/);
  assert.equal(await rows.count(), before);
  assert.match(await page.locator('#history').textContent(), /grant/i);
  await context.close();
});

test('the system administrator searches the audit trail, verifies it, and reads a register', async () => {
  const { context, page } = await as('admin');
  await page.goto(`${url}/ui`);
  await page.getByRole('link', { name: 'Revizijska sled' }).click();
  await page.fill('#action', 'grant');
  await page.getByRole('button', { name: 'Išči' }).click();
  await page.locator('#audit-results tbody tr').first().waitFor();
  assert.ok(await page.locator('#audit-results tbody tr').count() > 0);
  await page.screenshot({ path: `${artifacts}/audit-search.png`, fullPage: true });
  await page.getByRole('button', { name: 'Preveri zdaj' }).click();
  assert.match(await page.locator('#verdict').textContent(), /Sled je cela/);
  await page.goto(`${url}/ui?q=vopiglpi03`);
  await page.locator('a[href^="/ui/users/"]').first().click();
  await page.locator('#register-link').click();
  await page.locator('#rights').waitFor();
  await page.screenshot({ path: `${artifacts}/rights-register.png`, fullPage: true });
  await context.close();
});

test('a user administrator adds a job, a person in it, and a temporary password', async () => {
  const { context, page } = await as('user-admin');
  await page.goto(`${url}/ui`);
  await page.locator('#tree summary', { hasText: 'GLPI' }).first().click();
  const office = page.locator('#tree a[href^="/ui/offices/"]').first();
  await office.waitFor();
  await page.goto(`${url}${await office.getAttribute('href')}`);
  await page.fill('#job_code', 'JOB.GLPI.88');
  await page.fill('#job_name', 'Vložišče');
  await page.locator('#job-create-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/jobs\/\d+(#new-job)?$/);
  await page.fill('#new_username', 'mnovak');
  await page.fill('#new_first_name', 'Maja');
  await page.fill('#new_last_name', 'Novak');
  await page.fill('#new_email', 'not an address');
  // The browser itself stops a malformed address (the server checks it again).
  assert.equal(await page.locator('#new_email').evaluate((e) => e.validity.valid), false);
  await page.fill('#new_email', 'maja.novak@koper.example');
  await page.locator('#user-create-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/users\/\d+(#new-user)?$/);
  assert.match(await page.locator('dl.fields').first().textContent(), /JOB\.GLPI\.88/);
  await page.fill('#temporary', 'Rumena-Hruska-Pod-Mostom-3');
  await page.fill('#temporary_confirm', 'Rumena-Hruska-Pod-Mostom-3');
  await page.getByRole('button', { name: 'Nastavi začasno geslo' }).click();
  await page.locator('#account-notice').waitFor();
  await page.screenshot({ path: `${artifacts}/user-created.png`, fullPage: true });
  await context.close();
});

test('the menu fits one line at 1366 px for every demo account, in both languages', async () => {
  // The widest menus: the system administrator and the security lead see every section.
  for (const label of ['admin', 'security-lead', 'user-admin', 'clerk']) {
    for (const lang of ['sl', 'en']) {
      const { context, page } = await as(label, lang);
      await page.goto(`${url}/ui?lang=${lang}`);
      const links = page.locator('header.top nav a');
      assert.ok((await links.count()) >= 3, `${label} ${lang}: a menu`);
      const tops = await links.evaluateAll((all) => all.map((a) => Math.round(a.getBoundingClientRect().top)));
      assert.equal(new Set(tops).size, 1, `${label} ${lang}: the menu wraps (${tops})`);
      const header = await page.locator('header.top').boundingBox();
      assert.ok(header.height < 60, `${label} ${lang}: the header is ${header.height} px high`);
      // "My activity" is in the account menu, with the person's other own pages.
      assert.equal(await page.locator('details.account .menu a[href="/ui/activity"]').count(), 1);
      if (label === 'admin') await page.screenshot({ path: `${artifacts}/menu-${lang}.png` });
      await context.close();
    }
  }
});
