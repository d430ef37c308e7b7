// One governed change end to end in a real browser (Art. 22, issue #16): the system
// administrator switches on "ADAM governs its own changes" in the settings; a change to the
// contents of a role of DAPA (whose system, DAPA-SYS, is C3) is then refused at the change
// request's field, what was chosen kept; DAPA-SYS's custodian (GLPI's head) files a change
// request and consents, the security lead consents — two different people — and approves it;
// the role change naming it is accepted. Afterwards the administrator switches governance off
// (naming the same request, as every settings change must while it is on) and puts the role
// back, so the demo the other tests use is as it was. Screenshots (sl and en) go to ARTIFACTS
// (governed-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { url, artifacts, as } from './support.mjs';

const stamp = Date.now().toString(36).toUpperCase();

// Decides the current step of a case with `outcome` and waits for the page to come back.
async function decide(page, outcome) {
  await Promise.all([page.waitForLoadState('load'), page.locator(`#outcome-${outcome}`).click()]);
  await page.waitForLoadState('load');
}

async function currentStep(page) {
  return page.locator('#current-step').getAttribute('data-step');
}

// Saves the role form and waits for the answer (the role's page again, or the form refused).
async function saveRole(page) {
  await Promise.all([page.waitForLoadState('load'), page.locator('#role-edit-form button[type=submit]').click()]);
  await page.waitForLoadState('load');
}

async function saveSettings(page) {
  await Promise.all([page.waitForLoadState('load'), page.locator('#settings-form button[type=submit]').click()]);
  await page.waitForLoadState('load');
}

test('a role change of a C3 system is refused without an approved change request and accepted with one', async () => {
  // -- governance on: the first switch needs no request (nothing governs yet)
  const admin = await as('admin');
  await admin.page.goto(`${url}/ui/settings?lang=sl`);
  assert.equal(await admin.page.locator('#change').count(), 0, 'no request asked while off');
  await admin.page.locator('#governed').check();
  await saveSettings(admin.page);
  await admin.page.goto(`${url}/ui/settings?lang=sl`);
  assert.ok(await admin.page.locator('#governed').isChecked(), 'governance is on');
  assert.ok(await admin.page.locator('#change').isVisible(), 'every settings change now names a request');
  await admin.page.screenshot({ path: `${artifacts}/governed-settings-on-sl.png`, fullPage: true });

  // -- the role of DAPA: its contents changed without a request are refused at the field
  await admin.page.goto(`${url}/ui/roles?lang=sl`);
  await Promise.all([
    admin.page.waitForURL(/\/ui\/roles\/\d+$/),
    admin.page.locator('a', { hasText: /^DAPA_run$/ }).first().click(),
  ]);
  const rolePath = new URL(admin.page.url()).pathname;
  assert.ok(await admin.page.locator('#change').isVisible(), 'the role form asks for the change request');
  const original = await admin.page.inputValue('#level');
  const levels = await admin.page.locator('#level option').evaluateAll((os) => os.map((o) => o.value));
  const wanted = levels.find((l) => l !== '' && l !== original);
  assert.ok(wanted, `a level to change to among ${levels}`);
  await admin.page.selectOption('#level', wanted);
  await saveRole(admin.page);
  const refusal = admin.page.locator('#change ~ .field-error').first();
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /zahtev/i, 'the message names the change request');
  assert.equal(await admin.page.inputValue('#level'), wanted, 'what was chosen is kept');
  await admin.page.screenshot({ path: `${artifacts}/governed-role-refused-sl.png`, fullPage: true });
  await admin.page.goto(`${url}${rolePath}?lang=en`);
  await admin.page.selectOption('#level', wanted);
  await saveRole(admin.page);
  await admin.page.locator('#change ~ .field-error').first().waitFor();
  assert.match(await admin.page.locator('#change ~ .field-error').first().innerText(), /change request/i);
  await admin.page.screenshot({ path: `${artifacts}/governed-role-refused-en.png`, fullPage: true });

  // -- DAPA-SYS's custodian files the change request and consents
  const custodian = await as('user-admin');
  await custodian.page.goto(`${url}/ui/processes/change-request?lang=sl`);
  await custodian.page.locator('#start-case').click();
  await custodian.page.fill('#s_title', `Raven vloge DAPA_run ${stamp}`);
  await custodian.page.selectOption('#f_system', { label: 'DAPA-SYS – Arhiv dokumentov DAPA' });
  await custodian.page.locator('#start-submit').click();
  await custodian.page.waitForURL(/\/ui\/cases\/\d+$/);
  const casePath = new URL(custodian.page.url()).pathname;
  const caseNumber = casePath.split('/').pop();
  assert.equal(await currentStep(custodian.page), 'prepare');
  await custodian.page.fill('#f_description', 'Sprememba ravni dostopa vloge DAPA_run.');
  await custodian.page.selectOption('#f_affects_function', '0');
  await custodian.page.selectOption('#f_affects_security', '1');
  await custodian.page.fill('#f_security_impact', 'Raven dostopa do arhiva se spremeni za vse nosilce vloge.');
  await custodian.page.fill('#f_production_conditions', 'Dogovorjeno s skrbnikom in upraviteljem.');
  await custodian.page.selectOption('#f_interruption', '0');
  await custodian.page.fill('#f_rollback_plan', 'Vrnitev prejšnje ravni vloge v ADAM.');
  await decide(custodian.page, 'submit');
  assert.equal(await currentStep(custodian.page), 'consent');
  await custodian.page.locator('#consent-custodian').click();
  await custodian.page.waitForURL(new RegExp(`${casePath}(#consents)?$`));
  assert.ok(await custodian.page.locator('#consents-table tr[data-role="custodian"] .ok').isVisible());
  assert.equal(await custodian.page.locator('#consent-security_lead').count(), 0, 'one person, one consent');
  await custodian.page.screenshot({ path: `${artifacts}/governed-change-custodian-sl.png`, fullPage: true });
  await custodian.context.close();

  // -- not approved yet: naming it is refused too
  await admin.page.goto(`${url}${rolePath}?lang=sl`);
  await admin.page.selectOption('#level', wanted);
  await admin.page.fill('#change', caseNumber);
  await saveRole(admin.page);
  await admin.page.locator('#change ~ .field-error').first().waitFor();
  assert.equal(await admin.page.inputValue('#change'), caseNumber, 'the number typed is kept');
  await admin.page.screenshot({ path: `${artifacts}/governed-role-not-approved-sl.png`, fullPage: true });

  // -- the security lead consents (a second person) and approves
  const lead = await as('security-lead');
  await lead.page.goto(`${url}${casePath}?lang=sl`);
  await lead.page.locator('#consent-security_lead').click();
  await lead.page.waitForURL(new RegExp(`${casePath}(#consents)?$`));
  assert.ok(await lead.page.locator('#consents-table tr[data-role="security_lead"] .ok').isVisible());
  await decide(lead.page, 'approve');
  assert.equal(await currentStep(lead.page), 'implement');
  await lead.page.screenshot({ path: `${artifacts}/governed-change-approved-sl.png`, fullPage: true });
  await lead.page.goto(`${url}${casePath}?lang=en`);
  await lead.page.screenshot({ path: `${artifacts}/governed-change-approved-en.png`, fullPage: true });
  await lead.context.close();

  // -- the role change names the approved request and is accepted
  await admin.page.goto(`${url}${rolePath}?lang=sl`);
  await admin.page.selectOption('#level', wanted);
  await admin.page.fill('#change', `#${caseNumber}`);
  await saveRole(admin.page);
  assert.equal(await admin.page.locator('.field-error').count(), 0, 'accepted');
  assert.equal(new URL(admin.page.url()).pathname, rolePath);
  assert.equal(await admin.page.inputValue('#level'), wanted, 'the role has its new level');
  await admin.page.screenshot({ path: `${artifacts}/governed-role-accepted-sl.png`, fullPage: true });

  // -- back as it was: governance off (naming the request), then the role's level restored
  await admin.page.goto(`${url}/ui/settings?lang=sl`);
  await admin.page.locator('#governed').uncheck();
  await saveSettings(admin.page);
  assert.equal(await admin.page.locator('#change ~ .field-error').count(), 1, 'switching off names a request too');
  await admin.page.locator('#governed').uncheck();
  await admin.page.fill('#change', caseNumber);
  await saveSettings(admin.page);
  await admin.page.goto(`${url}/ui/settings?lang=sl`);
  assert.equal(await admin.page.locator('#governed').isChecked(), false, 'governance is off again');
  await admin.page.goto(`${url}${rolePath}?lang=sl`);
  await admin.page.selectOption('#level', original);
  await saveRole(admin.page);
  assert.equal(await admin.page.inputValue('#level'), original, 'the role is as it was');
  await admin.context.close();
});
