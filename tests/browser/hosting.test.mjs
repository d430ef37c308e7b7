// Issue 17 in a real browser: the security lead registers a solution in the registry of
// information solutions (a refusal at its field first, what was typed kept), opens its first
// version — a dro-hosting case — and walks its first steps with files attached at their steps
// (the order, the application profile and the address table); the dashboard's board then shows
// the solution in its phase, and the solution's page its version on the timeline and each role's
// job with the people holding it now; the form's job fields have their own picker.
// Screenshots (sl and en) go to ARTIFACTS (hosting-*.png).
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
const usernames = Object.fromEntries(holders.map(([label, username]) => [label, username]));

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
const codename = `T-${stamp}`;

async function decide(page, outcome) {
  await Promise.all([page.waitForLoadState('load'), page.locator(`#outcome-${outcome}`).click()]);
  await page.waitForLoadState('load');
}

async function currentStep(page) {
  return page.locator('#current-step').getAttribute('data-step');
}

/// Attaches a file of `docType` to the case on its page.
async function attach(page, docType) {
  await page.selectOption('#att_doc_type', docType);
  await page.setInputFiles('#file', {
    name: `${docType}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4 ${docType}`),
  });
  await Promise.all([page.waitForLoadState('load'), page.locator('#upload-file').click()]);
  await page.locator('#files a', { hasText: `${docType}.pdf` }).waitFor();
}

test('a solution is registered, its first version walks its first steps, the board shows its stage', async () => {
  const lead = await as('security-lead');
  const me = usernames['security-lead'];
  const { page } = lead;
  await page.goto(`${url}/ui/solutions`);
  assert.ok(await page.locator('nav a[href="/ui/solutions"]').isVisible(), 'the menu shows the registry');
  assert.ok(await page.locator('#board .card[data-solution="OPSI"]').isVisible(), 'the demo\'s OPSI is on the board');
  await page.screenshot({ path: `${artifacts}/hosting-board-sl.png`, fullPage: true });
  await page.goto(`${url}/ui/solutions?lang=en`);
  await page.screenshot({ path: `${artifacts}/hosting-board-en.png`, fullPage: true });
  await page.goto(`${url}/ui/solutions?lang=sl`);

  // Register: a codename taken, then production at the test address — each said at its field.
  await page.locator('#new-solution').click();
  await page.waitForURL(/\/ui\/solutions\/new$/);
  await page.fill('#f_codename', 'OPSI');
  await page.fill('#f_name', 'Preskusna rešitev');
  await page.fill('#f_customer_body', 'Ministrstvo za digitalno preobrazbo');
  await page.fill('#f_contractor', 'Razvoj d.o.o.');
  await page.fill('#f_test_address', `${codename.toLowerCase()}-test.dro.gov.si`);
  await page.fill('#f_production_address', `https://${codename.toLowerCase()}-test.dro.gov.si/`);
  const system = await page.locator('#f_system option', { hasText: 'VPP-SYS' }).first().getAttribute('value');
  await page.selectOption('#f_system', system);
  for (const role of ['customer', 'developer', 'siv', 'soc', 'coordinator', 'deployment_engineer',
    'infrastructure_manager', 'system_support', 'support_head', 'registry_custodian']) {
    await page.fill(`#f_p_${role}`, me);
  }
  await Promise.all([page.waitForLoadState('load'), page.locator('#save-solution').click()]);
  await page.locator('#f_codename-error').waitFor();
  assert.equal(await page.inputValue('#f_customer_body'), 'Ministrstvo za digitalno preobrazbo', 'what was typed is kept');
  assert.equal(await page.inputValue('#f_p_soc'), me);
  await page.screenshot({ path: `${artifacts}/hosting-form-refused-sl.png`, fullPage: true });
  await page.fill('#f_codename', codename);
  await Promise.all([page.waitForLoadState('load'), page.locator('#save-solution').click()]);
  await page.locator('#f_production_address-error').waitFor();
  assert.match(await page.locator('#f_production_address-error').innerText(), /47/);
  await page.fill('#f_production_address', `${codename.toLowerCase()}.gov.si`);
  await page.fill('#f_user_groups', 'Podjetniki, upravne enote');
  await page.fill('#f_logical_scheme_by', 'Mojca Novak');
  await page.fill('#f_logical_scheme_date', '2024-03-01');
  await Promise.all([page.waitForLoadState('load'), page.locator('#save-solution').click()]);
  await page.waitForURL(new RegExp(`/ui/solutions/${codename}$`));
  assert.equal(await page.locator('#phase').getAttribute('data-phase'), 'registered');
  assert.match(await page.locator('#g-confirmations').innerText(), /Mojca Novak, 2024-03-01/);
  assert.match(await page.locator('#g-needs').innerText(), /Podjetniki, upravne enote/);
  await page.screenshot({ path: `${artifacts}/hosting-solution-registered-sl.png`, fullPage: true });

  // The first version: its case, at the entry.
  await page.fill('#v_version', '1.0');
  await Promise.all([page.waitForLoadState('load'), page.locator('#open-version').click()]);
  await page.waitForURL(/\/ui\/cases\/\d+$/);
  const casePath = new URL(page.url()).pathname;
  assert.equal(await currentStep(page), 'entry');
  await decide(page, 'order');
  assert.equal(await currentStep(page), '1.1.1.10');
  // The order is required at 1.1.1.10: attached, then the step is done.
  await attach(page, 'order');
  await decide(page, 'done');
  assert.equal(await currentStep(page), '1.1.1.11');
  // Files first (their form reloads the page), then the step's field.
  await attach(page, 'application_profile');
  await attach(page, 'address_table');
  await page.selectOption('#f_has_pzi', '1');
  await page.screenshot({ path: `${artifacts}/hosting-case-documentation-sl.png`, fullPage: true });
  await decide(page, 'done');
  assert.equal(await currentStep(page), '1.1.1.12');

  // The board shows the solution in onboarding at 1.1.1.12; its page shows the version.
  await page.goto(`${url}/ui/solutions`);
  const card = page.locator(`#col-onboarding .card[data-solution="${codename}"]`);
  assert.ok(await card.isVisible(), 'the board shows its stage');
  assert.equal(await card.getAttribute('data-step'), '1.1.1.12');
  assert.ok(await page.locator(`#in-flight-table tr[data-solution="${codename}"]`).isVisible());
  await page.screenshot({ path: `${artifacts}/hosting-board-onboarding-sl.png`, fullPage: true });
  await card.locator('a.codename').click();
  await page.waitForURL(new RegExp(`/ui/solutions/${codename}$`));
  const version = page.locator('#timeline li.version[data-version="1.0"]');
  assert.equal(await version.getAttribute('data-step'), '1.1.1.12');
  assert.equal(await version.locator('a.case-link').getAttribute('href'), casePath);
  assert.ok(await page.locator('#version-in-flight').isVisible(), 'one version in flight');
  await version.locator('details.steps summary').click();
  assert.equal(await version.locator('table.steps-table tbody tr').count(), 3);
  await page.screenshot({ path: `${artifacts}/hosting-solution-sl.png`, fullPage: true });
  await page.screenshot({ path: `${artifacts}/hosting-solution-top-sl.png` });
  await page.goto(`${url}/ui/solutions/${codename}?lang=en`);
  await page.screenshot({ path: `${artifacts}/hosting-solution-en.png`, fullPage: true });
  // The demo's OPSI: in production with a version in flight, its timeline of two versions.
  await page.goto(`${url}/ui/solutions/OPSI?lang=en`);
  assert.equal(await page.locator('#timeline li.version').count(), 2);
  await page.screenshot({ path: `${artifacts}/hosting-opsi-en.png`, fullPage: true });
  // Its roles are bound to jobs: each with the job and the people holding it now.
  const coordinator = page.locator('#roles tr[data-role="coordinator"]');
  assert.match(await coordinator.locator('.role-job a').innerText(), /LEADER\.GLPI/);
  const holders = await coordinator.locator('.role-holders').innerText();
  assert.ok(/\(\S+\)/.test(holders) && !/nobody/.test(holders), holders);
  await page.locator('#people').screenshot({ path: `${artifacts}/hosting-roles-jobs-en.png` });
  await page.goto(`${url}/ui/solutions/OPSI/edit?lang=sl`);
  await page.screenshot({ path: `${artifacts}/hosting-edit-sl.png`, fullPage: true });
  await page.goto(`${url}/ui/solutions/new?lang=en`);
  await page.screenshot({ path: `${artifacts}/hosting-new-en.png`, fullPage: true });
  await lead.context.close();
});

test('the people and job fields of the form ask their pickers as one types', async () => {
  const lead = await as('security-lead');
  const { page } = lead;
  await page.goto(`${url}/ui/solutions/new?lang=sl`);
  assert.equal(await page.locator('#dl-people').count(), 0, 'no whole directory in the page');
  // Part of a name typed: the server's list of matching people arrives in the field's datalist.
  await page.locator('#f_p_customer').pressSequentially('Sabad', { delay: 30 });
  await page.waitForFunction(() => document.querySelectorAll('#dl-p_customer option').length > 0);
  const options = await page.locator('#dl-p_customer option').evaluateAll(
    (os) => os.map((o) => ({ value: o.value, label: o.textContent })));
  assert.ok(options.some((o) => o.value === usernames['security-lead']), JSON.stringify(options));
  assert.ok(options.every((o) => /Sabad/i.test(o.label) || /sabad/i.test(o.value)), JSON.stringify(options));
  // Another field has its own list; choosing an option puts the username in the field.
  await page.locator('#f_p_siv').pressSequentially('vopiglpi0', { delay: 30 });
  await page.waitForFunction(() => document.querySelectorAll('#dl-p_siv option').length > 1);
  assert.equal(await page.locator('#dl-p_customer option').count(), options.length, 'the first list is unchanged');
  await page.locator('#f_p_customer').fill(options[0].value);
  assert.equal(await page.inputValue('#f_p_customer'), options[0].value);
  // A role's job field has its own picker: valid jobs whose code or name holds what was typed.
  await page.locator('#f_j_coordinator').pressSequentially('LEADER.G', { delay: 30 });
  await page.waitForFunction(() => document.querySelectorAll('#dl-j_coordinator option').length > 0);
  const jobs = await page.locator('#dl-j_coordinator option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(jobs.includes('LEADER.GLPI'), JSON.stringify(jobs));
  await page.locator('#f_j_coordinator').fill('LEADER.GLPI');
  await page.locator('#fs-people').screenshot({ path: `${artifacts}/hosting-people-picker-sl.png` });
  await page.goto(`${url}/ui/solutions/new?lang=en`);
  assert.equal(await page.locator('#f_p_ekc').getAttribute('placeholder'), 'start typing a name or username');
  await lead.context.close();
});
