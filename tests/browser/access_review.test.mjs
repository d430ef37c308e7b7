// Issue 15 in a real browser: the custodian of VPP's system starts an access review, sees
// every grant that reaches VPP, revokes one after the confirmation page, and sees the campaign's
// progress. Screenshots in both languages go to ARTIFACTS (access-review-*.png).
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
  await page.goto(`${url}/ui/access-reviews?lang=${lang}`);
  return { context, page };
}


test('the custodian starts an access review of her system and revokes a grant after confirming', async () => {
  const { context, page } = await as('custodian');
  assert.ok(await page.locator('nav a[href="/ui/access-reviews"]').isVisible(), 'the menu leads here');
  await page.screenshot({ path: `${artifacts}/access-review-list-sl.png`, fullPage: true });
  // A due day that is not a date keeps the choice and says so at the form.
  const vpp = page.locator('#review-system option', { hasText: 'VPP-SYS' });
  const value = await vpp.getAttribute('value');
  await page.selectOption('#review-system', value);
  await page.fill('#review-due', day(30));
  await page.click('#start-review');
  await page.waitForURL(/\/ui\/access-reviews\/\d+/);
  const rows = page.locator('#lines tbody tr');
  const total = await rows.count();
  assert.ok(total >= 2, `the grants reaching VPP are listed (${total})`);
  assert.match(await page.locator('#progress').innerText(), new RegExp(`^0 / ${total}`));
  await page.screenshot({ path: `${artifacts}/access-review-campaign-sl.png`, fullPage: true });
  // Revoke the first line: a confirmation page first, then the line says so.
  const first = rows.first();
  const id = await first.getAttribute('id');
  await first.locator('button.danger').click();
  await page.locator('form button[type=submit]').last().waitFor();
  assert.match(await page.locator('main').innerText(), /Odvzem pravice v pregledu/);
  await page.screenshot({ path: `${artifacts}/access-review-confirm-sl.png` });
  await page.locator('main form button[type=submit]').first().click();
  await page.waitForURL(/\/ui\/access-reviews\/\d+/);
  assert.match(await page.locator(`#${id}`).innerText(), /odvzeto/);
  assert.match(await page.locator('#progress').innerText(), new RegExp(`^1 / ${total}`));
  // Confirm the second one: no confirmation needed.
  await rows.nth(1).locator('button.secondary').click();
  await page.waitForURL(/\/ui\/access-reviews\/\d+/);
  assert.match(await page.locator('#progress').innerText(), new RegExp(`^2 / ${total}`));
  await page.goto(`${page.url().split('?')[0].split('#')[0]}?lang=en`);
  assert.match(await page.locator('main').innerText(), /revoked/);
  await page.screenshot({ path: `${artifacts}/access-review-campaign-en.png`, fullPage: true });
  await context.close();
});

test('someone who keeps no system has nothing to start and is not shown the campaign', async () => {
  const { context, page } = await as('clerk');
  assert.match(await page.locator('main').innerText(), /Ni sistema z aplikacijo/);
  assert.equal(await page.locator('nav a[href="/ui/access-reviews"]').count(), 0, 'not in the menu');
  const refused = await page.goto(`${url}/ui/access-reviews/0`);
  assert.equal(refused.status(), 403);
  await context.close();
});
