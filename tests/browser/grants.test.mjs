// Issue 14 in a real browser: ticking a role box keeps the keyboard focus and the page still
// (item 7); the grant form keeps what was typed and brings its message into view (item 4);
// destructive actions ask first, in the page, without script (item 2). Screenshots of the
// changed pages in both languages go to ARTIFACTS (grants-*.png).
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

async function as(label, lang = 'sl', script = true) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    extraHTTPHeaders: { Authorization: `Bearer ${tokens[label]}` },
    javaScriptEnabled: script,
  });
  const page = await context.newPage();
  await page.goto(`${url}/ui?lang=${lang}`);
  return { context, page };
}


/// A GLPI job the user administrator does not hold (nobody changes their own rights).
async function otherJob(page) {
  await page.goto(`${url}/ui`);
  await page.locator('#tree summary', { hasText: 'GLPI' }).first().click();
  await page.locator('a[href^="/ui/jobs/"]').first().waitFor();
  const job = page
    .locator('#tree li', { has: page.locator('a[href^="/ui/jobs/"]') })
    .filter({ hasNotText: 'vopiglpi01' })
    .last()
    .locator('a[href^="/ui/jobs/"]')
    .first();
  return job.getAttribute('href');
}

const active = (page) => page.evaluate(() => ({ id: document.activeElement.id, tag: document.activeElement.tagName,
  text: document.activeElement.textContent.trim() }));

test('ticking a role box keeps the focus on it and the page where it was', async () => {
  const { context, page } = await as('user-admin');
  const href = await otherJob(page);
  await page.goto(`${url}${href}`);
  const box = page.locator('#roles-form input[name=role]:not(:checked)').nth(2);
  const id = await box.getAttribute('id');
  const value = await box.getAttribute('value');
  await box.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 40));
  await box.focus();
  const y = await page.evaluate(() => window.scrollY);
  await page.keyboard.press('Space');
  await page.locator(`#roles-form input[name=shown][value="${value}"]`).waitFor({ state: 'attached' });
  assert.equal((await active(page)).id, id, 'the focus stays on the box');
  assert.equal(await page.evaluate(() => window.scrollY), y, 'the page does not move');
  assert.ok(await page.locator(`#${id}`).isChecked());
  await page.screenshot({ path: `${artifacts}/grants-box-ticked.png` });
  // The next Tab goes on through the roles, not to a "revoke" button.
  await page.keyboard.press('Tab');
  const next = await active(page);
  assert.notEqual(next.tag, 'BODY');
  assert.doesNotMatch(next.text, /Odvzemi|Revoke/);
  // Unticking it again (a grant without a limit) needs no confirmation; the focus stays too.
  await page.locator(`#${id}`).focus();
  await page.keyboard.press('Space');
  await page.locator(`#roles-form input[name=shown][value="${value}"]`).waitFor({ state: 'detached' });
  assert.equal((await active(page)).id, id);
  assert.equal(await page.evaluate(() => window.scrollY), y);
  await context.close();
});

test('the grant form keeps what was typed and brings its message into view', async () => {
  for (const lang of ['sl', 'en']) {
    const { context, page } = await as('user-admin', lang);
    const href = await otherJob(page);
    await page.goto(`${url}${href}`);
    await page.selectOption('#role', { index: 2 });
    const role = await page.locator('#role').inputValue();
    await page.fill('#valid_from', day(10));
    await page.fill('#valid_to', day(5));
    await page.fill('#reference', 'ZAH-2026-17');
    await page.locator('#grant-form button[type=submit]').click();
    const message = page.locator('#valid_to-error');
    await message.waitFor();
    assert.equal(await page.locator('#role').inputValue(), role, 'the role is kept');
    assert.equal(await page.locator('#valid_from').inputValue(), day(10));
    assert.equal(await page.locator('#valid_to').inputValue(), day(5));
    assert.equal(await page.locator('#reference').inputValue(), 'ZAH-2026-17');
    assert.ok((await message.textContent()).includes(day(5)), 'the message quotes the date typed');
    const box = await message.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 768, `the message is in view: ${JSON.stringify(box)}`);
    // The answer opens at the form (its action's #grant-form; autofocus yields to a fragment).
    assert.match(page.url(), /#grant-form$/);
    assert.equal(await page.locator('#valid_to').getAttribute('aria-invalid'), 'true');
    await page.screenshot({ path: `${artifacts}/grants-form-error-${lang}.png` });
    // A 3,000-character reference: a message at the field, in view.
    await page.fill('#valid_from', day(1));
    await page.fill('#valid_to', day(30));
    await page.fill('#reference', 'Z'.repeat(3000));
    await page.locator('#grant-form button[type=submit]').click();
    const long = page.locator('#reference-error');
    await long.waitFor();
    assert.match(await long.textContent(), /500/);
    const b = await long.boundingBox();
    assert.ok(b.y >= 0 && b.y + b.height <= 768, `in view: ${JSON.stringify(b)}`);
    assert.equal(await page.locator('#valid_to').inputValue(), day(30));
    await context.close();
  }
});

test('unticking a time-limited grant and revoking ask first, also without script', async () => {
  // The tree expands with htmx: find the job with script, then work on it with and without.
  const finder = await as('user-admin');
  const href = await otherJob(finder.page);
  await finder.context.close();
  for (const script of [true, false]) {
    const lang = script ? 'sl' : 'en';
    const { context, page } = await as('user-admin', lang, script);
    await page.goto(`${url}${href}`);
    // A grant for the next month.
    const role = await page.locator('#roles-form input[name=role]:not(:checked)').nth(3).getAttribute('value');
    await page.selectOption('#role', role);
    await page.fill('#valid_from', day(1));
    await page.fill('#valid_to', day(30));
    await page.locator('#grant-form button[type=submit]').click();
    await page.waitForURL(/#restrictions/);
    const box = page.locator(`#role-box-${role}`);
    assert.ok(await box.isChecked());
    assert.match(await page.locator(`#role-${role}-s`).textContent(), script ? /ČAKA/ : /WAITING/);
    assert.ok((await page.locator(`#role-${role}-s`).textContent()).includes(day(1)));
    await page.screenshot({ path: `${artifacts}/grants-job-waiting-${lang}.png`, fullPage: true });
    // Unticking it asks (htmx swaps the question in; without script the save button posts).
    await box.uncheck();
    if (!script) await page.locator('#roles-form button[type=submit]').click();
    await page.locator('#untick-confirm').waitFor();
    assert.ok((await page.locator('#untick-confirm').textContent()).includes(day(30)));
    await page.screenshot({ path: `${artifacts}/grants-untick-confirm-${lang}.png` });
    assert.ok(await page.locator(`#role-box-${role}`).isChecked(), 'nothing was revoked yet');
    // Cancelling keeps the grant; the table's revoke asks on a page of its own.
    await page.locator('#untick-cancel').click();
    await page.waitForURL(/#permissions/);
    const row = page.locator('#restrictions tbody tr', { hasText: day(30) }).last();
    await row.getByRole('button', { name: script ? 'Odvzemi' : 'Revoke' }).click();
    await page.locator('#confirm-form').waitFor();
    assert.ok((await page.locator('#confirm-what').textContent()).includes(`${day(1)} – ${day(30)}`));
    await page.screenshot({ path: `${artifacts}/grants-revoke-confirm-${lang}.png` });
    await page.locator('#confirm-form button[type=submit]').click();
    await page.waitForURL(/#restrictions/);
    assert.equal(await page.locator(`#role-box-${role}`).isChecked(), false);
    await context.close();
  }
});

test('screenshots: office and user pages with their permissions, in both languages', async () => {
  for (const lang of ['sl', 'en']) {
    const { context, page } = await as('admin', lang);
    await page.goto(`${url}/ui`);
    await page.locator('#tree summary', { hasText: 'GLPI' }).first().click();
    const office = page.locator('#tree a[href^="/ui/offices/"]').first();
    await office.waitFor();
    await page.goto(`${url}${await office.getAttribute('href')}`);
    await page.locator('#permissions #roles-form').waitFor();
    await page.screenshot({ path: `${artifacts}/grants-office-${lang}.png`, fullPage: true });
    await page.goto(`${url}/ui?q=vopiglpi03`);
    await page.locator('a[href^="/ui/users/"]').first().click();
    await page.locator('#grant-form #grant_scope').waitFor();
    await page.screenshot({ path: `${artifacts}/grants-user-${lang}.png`, fullPage: true });
    await page.locator('#register-link').click();
    await page.locator('#rights').waitFor();
    await page.screenshot({ path: `${artifacts}/grants-register-${lang}.png`, fullPage: true });
    await context.close();
  }
  // A user administrator's own job: the boxes say why they are disabled.
  const { context, page } = await as('user-admin');
  await page.goto(`${url}/ui?q=vopiglpi01`);
  await page.locator('a[href^="/ui/users/"]').first().click();
  await page.locator('dl.fields a[href^="/ui/jobs/"]').first().click();
  await page.locator('#roles-locked').waitFor();
  assert.ok(await page.locator('#roles-form, input[name=role][disabled][title]').count() > 0);
  await page.screenshot({ path: `${artifacts}/grants-own-job-sl.png` });
  await context.close();
});
