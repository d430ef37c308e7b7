// The organisation's settings page in a real browser: the system administrator reaches it
// from the roles page, a name that is too long is refused at the field with what was typed
// kept (nothing is saved, so the demo the other tests use is unchanged), and a clerk sees the
// settings read-only. Screenshots in both languages go to ARTIFACTS (settings-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, artifacts, tokens, as } from './support.mjs';

test('the system administrator edits the settings and a refusal keeps what was typed at the field', async () => {
  const { context, page } = await as('admin');
  await page.goto(`${url}/ui/roles?lang=sl`);
  await page.click('#settings-link');
  await page.waitForURL(/\/ui\/settings/);
  assert.match(await page.locator('h1').innerText(), /Nastavitve organizacije/);
  const name = await page.inputValue('#organisation');
  assert.ok(name.length > 0, 'the organisation has a name');
  await page.screenshot({ path: `${artifacts}/settings-sl.png`, fullPage: true });
  // Too long a name: refused at the field, what was typed kept, in view.
  const long = 'Občina '.repeat(400);
  await page.fill('#organisation', long);
  await page.selectOption('#view_2', '12');
  await page.click('#settings-form button[type=submit]');
  await page.waitForLoadState('load');
  const error = page.locator('#organisation ~ .field-error').first();
  assert.ok(await error.isVisible(), 'the message is at the field');
  assert.equal(await page.inputValue('#organisation'), long, 'what was typed is kept');
  assert.equal(await page.inputValue('#view_2'), '12', 'the chosen view is kept');
  await page.screenshot({ path: `${artifacts}/settings-refused-sl.png` });
  await page.goto(`${url}/ui/settings?lang=en`);
  assert.match(await page.locator('h1').innerText(), /Organisation settings/);
  assert.equal(await page.inputValue('#organisation'), name, 'nothing was saved');
  await page.screenshot({ path: `${artifacts}/settings-en.png`, fullPage: true });
  await context.close();
});

test('a clerk sees the settings read-only', async () => {
  const { context, page } = await as('clerk');
  await page.goto(`${url}/ui/settings?lang=sl`);
  assert.equal(await page.locator('#settings-form').count(), 0);
  assert.ok(await page.locator('#settings-view').isVisible());
  await page.screenshot({ path: `${artifacts}/settings-clerk-sl.png` });
  await context.close();
});
