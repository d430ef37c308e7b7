// The registers of cases in a real browser: the clerk reports a security event; the security
// lead opens the registers from the work lists, finds it in the register of events, a date
// that cannot be read is refused at its field with everything typed kept, and the incident
// file and the change log are one tab away. Screenshots (sl and en) go to ARTIFACTS
// (case-registers-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, artifacts, tokens, as } from './support.mjs';

const stamp = Date.now().toString(36).toUpperCase();

test('the security lead reads the register of events and a bad date is refused at its field', async () => {
  const reported = await fetch(`${url}/api/v1/cases`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokens.clerk}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      process: 'security-event',
      title: `Register ${stamp}`,
      fields: { what: 'Neznan USB ključ v sejni sobi.' },
    }),
  });
  const body = await reported.text();
  assert.equal(reported.status, 201, body);
  const { reference } = JSON.parse(body);
  const { context, page } = await as('security-lead');
  await page.goto(`${url}/ui/cases?lang=sl`);
  await page.click('#registers-link');
  await page.waitForURL(/\/ui\/reports\/cases/);
  assert.match(await page.locator('h1').innerText(), /Register varnostnih dogodkov/);
  const row = page.locator('#register-table tbody tr', { hasText: reference });
  assert.equal(await row.count(), 1, 'the reported event is in the register');
  assert.match(await row.locator('td[data-field=what]').innerText(), /Neznan USB ključ/);
  assert.match(await page.locator('#register-csv').getAttribute('href'), /kind=events.*format=csv/);
  await page.screenshot({ path: `${artifacts}/case-registers-events-sl.png`, fullPage: true });
  // A date that cannot be read: the message at the field, what was typed kept.
  await page.selectOption('#f_state', 'open');
  await page.fill('#f_from', '32. 13. 2026');
  await page.click('#register-show');
  await page.locator('#f_from-error').waitFor();
  assert.match(await page.locator('#f_from-error').innerText(), /ni datum/);
  assert.equal(await page.inputValue('#f_from'), '32. 13. 2026');
  assert.equal(await page.inputValue('#f_state'), 'open');
  assert.equal(await page.locator('#register-csv').count(), 0);
  await page.screenshot({ path: `${artifacts}/case-registers-refused-sl.png`, fullPage: true });
  // The incident file and the change log, in English.
  await page.goto(`${url}/ui/reports/cases?kind=incidents&lang=en`);
  assert.match(await page.locator('h1').innerText(), /Incident file/);
  await page.screenshot({ path: `${artifacts}/case-registers-incidents-en.png`, fullPage: true });
  await page.click('#kind-changes');
  await page.waitForURL(/kind=changes/);
  assert.match(await page.locator('h1').innerText(), /Change log/);
  await page.screenshot({ path: `${artifacts}/case-registers-changes-en.png`, fullPage: true });
  await context.close();
});
