// The ministry's shape of Art. 19–20 in a real browser: the security lead (the keeper of the
// register in this installation) registers a body's notification file pasted into the form,
// lands on the new case of the register at "deciding whether it is an incident", and the same
// file again is refused at the form with the text kept; the clerk sees no form.
// Screenshots (sl and en) go to ARTIFACTS (notifications-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, artifacts, as } from './support.mjs';

const stamp = Date.now().toString(36).toUpperCase();
const file = JSON.stringify({
  format: 'adam.security-event-notification/1',
  body: 'Občina Piran',
  identification: `security-event/${stamp}`,
  reporter: { username: 'mnovak', name: 'Maja Novak' },
  description: { what: 'Neznan USB ključ v sejni sobi.', situation: 'Fizični vdor' },
  details: { discovered_at: '2026-12-01 08:00' },
  sent: '2026-12-01 10:00 – SIGOV-CERT',
}, null, 2);

test('a keeper registers a body\'s notification; the same file again is refused at the form', async () => {
  const clerk = await as('clerk');
  await clerk.page.goto(`${url}/ui/notifications?lang=sl`);
  assert.ok(await clerk.page.locator('#notification-not-keeper').isVisible(), 'the clerk is told who registers');
  assert.equal(await clerk.page.locator('#notification-form').count(), 0);
  await clerk.context.close();

  const lead = await as('security-lead');
  await lead.page.goto(`${url}/ui/cases?lang=sl`);
  await lead.page.locator('#notifications-link').click();
  await lead.page.waitForURL(/\/ui\/notifications$/);
  await lead.page.fill('#n_text', file);
  await lead.page.screenshot({ path: `${artifacts}/notifications-form-sl.png`, fullPage: true });
  await lead.page.locator('#notification-submit').click();
  await lead.page.waitForURL(/\/ui\/cases\/\d+$/);
  assert.equal(await lead.page.locator('#current-step').getAttribute('data-step'), 'decide');
  const text = await lead.page.locator('main').innerText();
  assert.ok(text.includes('Občina Piran'), text);
  // The file's description is on the step's form, for the ministry to complete (19(6)).
  assert.equal(await lead.page.inputValue('#f_what'), 'Neznan USB ključ v sejni sobi.');
  await lead.page.screenshot({ path: `${artifacts}/notifications-case-sl.png`, fullPage: true });

  // The same file again: refused at the form, in English, the text kept.
  await lead.page.goto(`${url}/ui/notifications?lang=en`);
  await lead.page.fill('#n_text', file);
  await lead.page.locator('#notification-submit').click();
  await lead.page.locator('#notification-error').waitFor();
  assert.match(await lead.page.locator('#notification-error').innerText(), /already in the register/);
  assert.equal(await lead.page.inputValue('#n_text'), file);
  await lead.page.screenshot({ path: `${artifacts}/notifications-refused-en.png`, fullPage: true });
  await lead.context.close();
});
