// Issue 16 in a real browser: an employee (the clerk) reports a security event in the short
// form; the security lead finds it among "my steps", makes it an incident and walks the seven
// response steps of Art. 21(2) to its archive, the case page's diagram marking where it
// stands, and the page "as of" an instant on the way shows the case then; a change request on
// the custodian's system gets the written consents of the
// custodian and of the security lead (two people), is approved, implemented and closed.
// Screenshots (sl and en) go to ARTIFACTS (process-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.env.ADAM_URL;
const artifacts = process.env.ARTIFACTS ?? 'artifacts';
mkdirSync(artifacts, { recursive: true });
const holders = readFileSync(process.env.ADAM_TOKENS, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'));
const tokens = Object.fromEntries(holders.map(([label, , token]) => [label, token]));

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
  await page.goto(`${url}/ui?lang=${lang}`);
  return { context, page };
}

const stamp = Date.now().toString(36).toUpperCase();

/// Decides the current step with `outcome` and waits for the page to come back.
async function decide(page, outcome) {
  await Promise.all([page.waitForLoadState('load'), page.locator(`#outcome-${outcome}`).click()]);
  await page.waitForLoadState('load');
}

async function currentStep(page) {
  return page.locator('#current-step').getAttribute('data-step');
}

test('an employee reports an event; the security lead walks it as an incident to its archive', async () => {
  const clerk = await as('clerk');
  await clerk.page.goto(`${url}/ui/cases`);
  assert.ok(await clerk.page.locator('nav a[href="/ui/cases"]').isVisible(), 'the menu shows the cases');
  await clerk.page.locator('#report-event').click();
  await clerk.page.waitForURL(/\/ui\/cases\/report$/);
  // Nothing chosen: refused at the choice, what was typed kept.
  await clerk.page.fill('#r_title', `Neznan USB ključ ${stamp}`);
  await clerk.page.fill('#r_what', 'V sejni sobi je bil najden neznan USB ključ.');
  await clerk.page.locator('#report-submit').click();
  await clerk.page.locator('#situation-error').waitFor();
  assert.equal(await clerk.page.inputValue('#r_title'), `Neznan USB ključ ${stamp}`);
  await clerk.page.screenshot({ path: `${artifacts}/process-report-refused-sl.png`, fullPage: true });
  await clerk.page.locator('input[name=situation][value=physical_breach]').check();
  await clerk.page.locator('#report-submit').click();
  await clerk.page.waitForURL(/\/ui\/cases\/\d+$/);
  const casePath = new URL(clerk.page.url()).pathname;
  assert.equal(await currentStep(clerk.page), 'triage');
  assert.ok(await clerk.page.locator('#not-performer').isVisible(), 'the reporter does not decide it');
  await clerk.page.screenshot({ path: `${artifacts}/process-reported-sl.png`, fullPage: true });
  await clerk.page.goto(`${url}/ui/cases/report?lang=en`);
  await clerk.page.screenshot({ path: `${artifacts}/process-report-en.png`, fullPage: true });
  await clerk.context.close();

  const lead = await as('security-lead');
  await lead.page.goto(`${url}/ui/cases`);
  const mine = lead.page.locator(`#my-steps-table a[href="${casePath}"]`);
  assert.ok(await mine.isVisible(), 'the event is among the security lead\'s steps');
  await lead.page.screenshot({ path: `${artifacts}/process-work-sl.png`, fullPage: true });
  await mine.click();
  await lead.page.waitForURL(new RegExp(`${casePath}$`));
  // The diagram marks the current step.
  assert.equal(await lead.page.locator('#diagram g.step.current').getAttribute('data-step'), 'triage');
  await lead.page.screenshot({ path: `${artifacts}/process-case-triage-sl.png` });
  // An incident needs the time of discovery: refused in words, the typed text kept.
  await lead.page.fill('#f_how', 'Priključen na prenosnik v sejni sobi.');
  await decide(lead.page, 'incident');
  await lead.page.locator('#decide-error').waitFor();
  assert.equal(await lead.page.inputValue('#f_how'), 'Priključen na prenosnik v sejni sobi.');
  await lead.page.screenshot({ path: `${artifacts}/process-case-refused-sl.png`, fullPage: true });
  await lead.page.fill('#f_discovered_at', '2026-03-01T08:00');
  await decide(lead.page, 'incident');
  assert.equal(await currentStep(lead.page), 'limit');
  assert.equal(await lead.page.locator('#diagram g.step.current').getAttribute('data-step'), 'limit');
  assert.equal(await lead.page.locator('#diagram g.step[data-step="triage"]').getAttribute('class'), 'step decision done');
  // An instant while the case stood at "limit", for its page "as of" then (below).
  await lead.page.waitForTimeout(1100);
  const midway = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await lead.page.waitForTimeout(1100);
  await lead.page.fill('#f_affected_components', 'Prenosnik v sejni sobi.');
  await decide(lead.page, 'done');
  // Evidence: a file attached at the step.
  await lead.page.setInputFiles('#file', {
    name: 'dokazi.txt', mimeType: 'text/plain', buffer: Buffer.from('Fotografije ključa in zapisnik.'),
  });
  await Promise.all([lead.page.waitForLoadState('load'), lead.page.locator('#upload-file').click()]);
  await lead.page.locator('#files a', { hasText: 'dokazi.txt' }).waitFor();
  await decide(lead.page, 'done'); // evidence
  await decide(lead.page, 'done'); // remedy
  await lead.page.fill('#f_activities_done', 'Ključ odstranjen, prenosnik pregledan.');
  await decide(lead.page, 'done');
  await lead.page.fill('#f_notified_entities', 'Vodstvo občine.');
  await decide(lead.page, 'done');
  assert.equal(await currentStep(lead.page), 'examine');
  await lead.page.goto(`${url}${casePath}?lang=en`);
  await lead.page.screenshot({ path: `${artifacts}/process-case-examine-en.png` });
  await lead.page.screenshot({ path: `${artifacts}/process-case-examine-full-en.png`, fullPage: true });
  await lead.page.goto(`${url}${casePath}?lang=sl`);
  await lead.page.locator('input[name=f_threat_types][value=rule_breach]').check();
  await lead.page.locator('input[name=f_negative_effects][value=other]').check();
  await lead.page.fill('#f_perpetrators', 'Neznan obiskovalec.');
  await decide(lead.page, 'resolved');
  await lead.page.fill('#f_resolution', 'Rešeno brez škode.');
  await lead.page.fill('#f_final_assessment', 'Ukrepi so zadostovali.');
  await decide(lead.page, 'archive');
  assert.ok(await lead.page.locator('#case-closed').isVisible(), 'closed = archived');
  assert.equal(await lead.page.locator('#diagram g.step.current').getAttribute('data-step'), 'archived');
  assert.equal(await lead.page.locator('#history-table tbody tr').count(), 8);
  await lead.page.screenshot({ path: `${artifacts}/process-case-archived-sl.png`, fullPage: true });
  // As of the instant it stood at "limit": that step on the diagram, one decision, nothing to
  // decide; the audit trail's rows up to then.
  await lead.page.goto(`${url}${casePath}?at=${midway}&lang=en`);
  await lead.page.locator('#as-of-banner').waitFor();
  assert.equal(await currentStep(lead.page), 'limit');
  assert.equal(await lead.page.locator('#diagram g.step.current').getAttribute('data-step'), 'limit');
  assert.equal(await lead.page.locator('#history-table tbody tr').count(), 1);
  assert.equal(await lead.page.locator('#step-form').count(), 0, 'nothing to decide on a past picture');
  await lead.page.screenshot({ path: `${artifacts}/process-case-as-of-en.png`, fullPage: true });
  await lead.page.locator('#as-of-now').click();
  await lead.page.waitForURL(new RegExp(`${casePath}$`));
  assert.equal(await lead.page.locator('#as-of-banner').count(), 0);
  // The notification to the ministry.
  await lead.page.locator('#notification-link').click();
  await lead.page.locator('#n-identification').waitFor();
  await lead.page.screenshot({ path: `${artifacts}/process-notification-sl.png`, fullPage: true });
  await lead.context.close();
});

test('a change request gets the consents of two people and is implemented', async () => {
  const custodian = await as('custodian');
  await custodian.page.goto(`${url}/ui/processes`);
  await custodian.page.screenshot({ path: `${artifacts}/process-definitions-sl.png`, fullPage: true });
  await custodian.page.locator('#processes-table a[href="/ui/processes/change-request"]').click();
  await custodian.page.locator('#diagram svg').waitFor();
  await custodian.page.screenshot({ path: `${artifacts}/process-definition-sl.png` });
  await custodian.page.locator('#start-case').click();
  await custodian.page.fill('#s_title', `Nadgradnja VPP ${stamp}`);
  await custodian.page.selectOption('#f_system', { label: 'VPP-SYS – Pregled prostorskih aktov VPP' });
  await custodian.page.locator('#start-submit').click();
  await custodian.page.waitForURL(/\/ui\/cases\/\d+$/);
  const casePath = new URL(custodian.page.url()).pathname;
  assert.equal(await currentStep(custodian.page), 'prepare');
  await custodian.page.fill('#f_description', 'Nadgradnja aplikacije na novo različico.');
  await custodian.page.selectOption('#f_affects_function', '1');
  await custodian.page.selectOption('#f_affects_security', '0');
  await custodian.page.fill('#f_security_impact', 'Brez vpliva na zaupnost.');
  await custodian.page.fill('#f_production_conditions', 'Dogovorjeno z izvajalcem.');
  await custodian.page.fill('#f_notified_at', '2026-03-02');
  await custodian.page.fill('#f_notified_entities', 'Uporabniki sistema in izvajalec.');
  await custodian.page.selectOption('#f_interruption', '0');
  await custodian.page.fill('#f_rollback_plan', 'Obnova iz varnostne kopije pred nadgradnjo.');
  await custodian.page.screenshot({ path: `${artifacts}/process-change-prepare-sl.png` });
  await decide(custodian.page, 'submit');
  assert.equal(await currentStep(custodian.page), 'consent');
  // The custodian consents as the custodian.
  await custodian.page.locator('#consent-custodian').click();
  await custodian.page.waitForURL(new RegExp(`${casePath}(#consents)?$`));
  assert.ok(await custodian.page.locator('#consents-table tr[data-role="custodian"] .ok').isVisible());
  assert.equal(await custodian.page.locator('#consent-security_lead').count(), 0, 'one person, one consent');

  // The security lead imports a definition that cannot work: every problem named, the text kept.
  const lead = await as('security-lead');
  const shipped = await (await lead.page.request.get(`${url}/api/v1/processes/change-request`)).json();
  shipped.version = 99;
  shipped.steps[0].performer = 'ghost';
  shipped.steps[1].outcomes[0].to = 'nowhere';
  await lead.page.goto(`${url}/ui/processes`);
  await lead.page.fill('#i_definition', JSON.stringify(shipped, null, 2));
  await lead.page.locator('#import-submit').click();
  await lead.page.locator('#import-problems').waitFor();
  assert.ok((await lead.page.locator('#import-problems li').count()) >= 2, 'every problem named');
  assert.match(await lead.page.inputValue('#i_definition'), /"ghost"/);
  await lead.page.locator('#import').screenshot({ path: `${artifacts}/process-import-refused-sl.png` });
  await lead.page.goto(`${url}/ui/processes?lang=en`);
  await lead.page.fill('#i_definition', JSON.stringify(shipped, null, 2));
  await lead.page.locator('#import-submit').click();
  await lead.page.locator('#import-problems').waitFor();
  await lead.page.screenshot({ path: `${artifacts}/process-import-refused-en.png` });
  await lead.page.goto(`${url}${casePath}?lang=sl`);
  await lead.page.locator('#consent-security_lead').click();
  await lead.page.waitForURL(new RegExp(`${casePath}(#consents)?$`));
  assert.ok(await lead.page.locator('#consents-table tr[data-role="security_lead"] .ok').isVisible());
  await lead.page.screenshot({ path: `${artifacts}/process-change-consents-sl.png` });
  await lead.page.goto(`${url}${casePath}?lang=en`);
  await lead.page.screenshot({ path: `${artifacts}/process-change-consents-en.png` });
  await decide(lead.page, 'approve');
  assert.equal(await currentStep(lead.page), 'implement');
  await lead.context.close();

  await custodian.page.goto(`${url}${casePath}`);
  await custodian.page.fill('#f_implementation_record', 'Nadgrajeno 3. 3. 2026 ob 18:00.');
  await decide(custodian.page, 'done');
  assert.equal(await currentStep(custodian.page), 'verify');
  await custodian.page.fill('#f_verification', 'Deluje, dnevniki brez napak.');
  await custodian.page.selectOption('#f_cia_not_lowered', '1');
  await decide(custodian.page, 'close');
  assert.ok(await custodian.page.locator('#case-closed').isVisible());
  assert.equal(await custodian.page.locator('#diagram g.step.current').getAttribute('data-step'), 'closed');
  await custodian.page.screenshot({ path: `${artifacts}/process-change-closed-sl.png`, fullPage: true });
  await custodian.context.close();
});

test('an outage that would end before it starts is refused at its field, what was typed kept', async () => {
  const clerk = await as('clerk');
  await clerk.page.goto(`${url}/ui/cases/report`);
  await clerk.page.fill('#r_title', `Izpad portala ${stamp}`);
  await clerk.page.fill('#r_what', 'Portal ni odgovarjal.');
  await clerk.page.locator('input[name=situation][value=malfunction]').check();
  await clerk.page.locator('#report-submit').click();
  await clerk.page.waitForURL(/\/ui\/cases\/\d+$/);
  const casePath = new URL(clerk.page.url()).pathname;
  await clerk.context.close();

  const lead = await as('security-lead');
  await lead.page.goto(`${url}${casePath}?lang=sl`);
  await lead.page.fill('#f_outage_from', '2026-03-01T10:00');
  await lead.page.fill('#f_outage_until', '2026-03-01T09:15');
  await Promise.all([lead.page.waitForLoadState('load'), lead.page.locator('#save-fields').click()]);
  await lead.page.locator('#f_outage_until-error').waitFor();
  assert.match(await lead.page.locator('#f_outage_until-error').innerText(), /Konec ne more biti pred začetkom/);
  assert.equal(await lead.page.inputValue('#f_outage_until'), '2026-03-01T09:15', 'what was typed is kept');
  assert.equal(await lead.page.inputValue('#f_outage_from'), '2026-03-01T10:00');
  await lead.page.locator('#f_outage_until').scrollIntoViewIfNeeded();
  await lead.page.screenshot({ path: `${artifacts}/process-outage-refused-sl.png` });
  await lead.page.fill('#f_outage_until', '2026-03-01T11:15');
  await Promise.all([lead.page.waitForLoadState('load'), lead.page.locator('#save-fields').click()]);
  assert.equal(await lead.page.locator('#f_outage_until-error').count(), 0, 'accepted');
  assert.equal(await lead.page.inputValue('#f_outage_until'), '2026-03-01T11:15');
  await lead.context.close();
});
