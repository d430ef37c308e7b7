// The dormant-accounts report (Decree Art. 50(2)) in a real browser: the security lead opens
// it from the inventory page, a number of days that is not 1–3650 is refused at the field
// with what was typed kept, and a valid one shows the report (the demo's accounts are new, so
// it may be empty). Screenshots in both languages go to ARTIFACTS (dormant-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, artifacts, tokens, as } from './support.mjs';

test('the security lead opens the dormant-accounts report and a bad number of days is refused at the field', async () => {
  const { context, page } = await as('security-lead');
  await page.goto(`${url}/ui/inventory?lang=sl`);
  await page.click('#dormant-link');
  await page.waitForURL(/\/ui\/reports\/dormant-accounts/);
  assert.match(await page.locator('h1').innerText(), /Neuporabljeni računi/);
  assert.equal(await page.inputValue('#f_days'), '90');
  await page.screenshot({ path: `${artifacts}/dormant-sl.png`, fullPage: true });
  // Not a number of days: the message at the field, what was typed kept.
  await page.fill('#f_days', '0');
  await page.click('#dormant-show');
  await page.waitForURL(/days=0/);
  assert.match(await page.locator('#f_days-error').innerText(), /od 1 do 3650/);
  assert.equal(await page.inputValue('#f_days'), '0');
  await page.screenshot({ path: `${artifacts}/dormant-refused-sl.png` });
  // One day: the report, with the CSV link for the same days.
  await page.fill('#f_days', '1');
  await page.click('#dormant-show');
  await page.waitForURL(/days=1/);
  assert.equal(await page.locator('#f_days-error').count(), 0);
  assert.match(await page.locator('#dormant-csv').getAttribute('href'), /days=1&format=csv/);
  await page.goto(`${url}/ui/reports/dormant-accounts?days=1&lang=en`);
  assert.match(await page.locator('h1').innerText(), /Dormant accounts/);
  const rows = await page.locator('#dormant-table tbody tr').count();
  const none = await page.locator('#dormant-none').count();
  assert.ok(rows > 0 || none === 1, 'a table of accounts or the sentence that there are none');
  await page.screenshot({ path: `${artifacts}/dormant-en.png`, fullPage: true });
  await context.close();
});
