// The Decree's registers beside the inventory (issue #15) in a real browser: the security lead
// opens the risk assessments from the inventory, sees the register overdue (the demo's last assessment is over a year old),
// is refused a next assessment more than a year away (at the field, what was typed kept),
// records one and sees it in the list and on its own page; opens the integrity page, approves
// a submitted baseline of DAPA-SYS (refused first without the change's reference) and sees a
// later scan's mismatch with what differs; and fills in the classification scheme's Z1 row.
// The assessment's page takes its signed report as a file.
// Screenshots at 1366×768 in both languages go to ARTIFACTS (registers-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { url, artifacts, as } from './support.mjs';
import { day } from './dates.mjs';

// The demo account's username, from the demo's token file (label, username, token).
const username = (label) =>
  readFileSync(process.env.ADAM_TOKENS, 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .find(([l]) => l === label)[1];

// A scan of a server: three files, /etc/passwd with the content `passwd` (two hex digits).
const files = (passwd) => [
  ['etc/hosts', '11'.repeat(32), 120, 420, '0:0'],
  ['etc/passwd', passwd.repeat(32), 900, 420, '0:0'],
  ['usr/bin/sshd', '33'.repeat(32), 880000, 493, '0:0'],
];

test('the security lead records a risk assessment and sees it in the list', async () => {
  const { context, page } = await as('security-lead');
  const lead = username('security-lead');
  await page.goto(`${url}/ui/inventory?lang=sl`);
  await page.click('#risk-link');
  await page.waitForURL(/\/ui\/risk$/);
  assert.match(await page.locator('h1').innerText(), /Ocene tveganj/);
  // Last year's assessment only: the register is overdue (Art. 9(2)).
  assert.match(await page.locator('#risk-status').innerText(), /zamujeno/);
  await page.screenshot({ path: `${artifacts}/registers-risk-overdue-sl.png`, fullPage: true });

  // The next one more than a year away: refused at its field, what was typed kept.
  const date = day(-10);
  const scope = 'Občina kot celota — redna letna ocena';
  await page.fill('#rk_date', date);
  await page.fill('#rk_scope', scope);
  await page.fill('#rk_methodology', 'Enotna metodologija ministrstva (2024)');
  await page.fill('#rk_findings', 'Dokumentni sistem VOPI nima preizkušene obnovitve; arhiv DAPA je na enem mestu.');
  await page.fill('#rk_treatment', 'Preizkus obnovitve do konca četrtletja; kopija arhiva na drugo lokacijo.');
  await page.fill('#rk_approver', lead);
  await page.fill('#rk_next_due', day(800));
  await page.click('#risk-submit');
  assert.match(await page.locator('#rk_next_due-error').innerText(), /največ leto dni|at most a year|9\. člen/);
  assert.equal(await page.inputValue('#rk_scope'), scope);
  assert.equal(await page.inputValue('#rk_date'), date);
  assert.equal(await page.inputValue('#rk_approver'), lead);
  await page.locator('#risk-record').screenshot({ path: `${artifacts}/registers-risk-refused-sl.png` });

  // Without it: recorded, due a year later, listed.
  await page.fill('#rk_next_due', '');
  await page.click('#risk-submit');
  // Back at the top of the register (not at the form the post came from).
  await page.waitForURL(/\/ui\/risk#risk$/);
  assert.equal(await page.locator('#risk-overdue').count(), 0);
  const row = page.locator('#risk-table tbody tr').first();
  assert.match(await row.innerText(), new RegExp(scope));
  assert.match(await row.innerText(), new RegExp(date));
  assert.match(await page.locator('#risk-next-due').innerText(), new RegExp(`^${Number(date.slice(0, 4)) + 1}-`));
  await page.screenshot({ path: `${artifacts}/registers-risk-sl.png` });

  // Its page: the fields, the correction form, the history.
  await row.locator('a').first().click();
  await page.waitForURL(/\/ui\/risk\/\d+$/);
  assert.match(await page.locator('#risk-fields').innerText(), /Preizkus obnovitve do konca četrtletja/);
  assert.match(await page.locator('#history').innerText(), /zabeležil oceno tveganj/);
  await page.screenshot({ path: `${artifacts}/registers-risk-item-sl.png`, fullPage: true });
  // The signed report kept with it (Art. 9(3)): no file chosen is said at the field; the
  // file chosen is listed with its link, and the history says a file was added.
  const item = page.url();
  await page.click('#upload-attachment');
  assert.match(await page.locator('#f_file-error').innerText(), /datotek|file/i);
  // A document type is a code: words with spaces are refused at its field, what was typed kept.
  const report = {
    name: 'ocena-tveganj-podpisana.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4 ocena tveganj, podpisana'),
  };
  await page.fill('#att_doc_type', 'podpisano poročilo');
  await page.setInputFiles('#f_file', report);
  await page.click('#upload-attachment');
  assert.match(await page.locator('#att_doc_type-error').innerText(), /doc_type/);
  assert.equal(await page.inputValue('#att_doc_type'), 'podpisano poročilo');
  await page.locator('#attachments').screenshot({ path: `${artifacts}/registers-risk-file-refused-sl.png` });
  await page.fill('#att_doc_type', 'podpisano-porocilo');
  await page.setInputFiles('#f_file', report);
  await page.click('#upload-attachment');
  await page.waitForURL(/\/ui\/risk\/\d+#attachments$/);
  assert.match(await page.locator('#attachments-table').innerText(), /ocena-tveganj-podpisana\.pdf/);
  assert.match(await page.locator('#attachments-table').innerText(), /podpisano-porocilo/);
  await page.locator('#attachments').screenshot({ path: `${artifacts}/registers-risk-file-sl.png` });
  await page.goto(`${item}?lang=en`);
  assert.match(await page.locator('#risk-correct h2').innerText(), /Correct the assessment/);
  assert.match(await page.locator('#attachments h2').innerText(), /Attachments/);
  await page.screenshot({ path: `${artifacts}/registers-risk-item-en.png` });
  // The printable page: every field of every assessment.
  await page.goto(`${url}/ui/risk/print?lang=sl`);
  assert.match(await page.locator('#risk-table').innerText(), /Preizkus obnovitve do konca četrtletja/);
  await page.screenshot({ path: `${artifacts}/registers-risk-print-sl.png` });
  await context.close();
});

test('the security lead approves a server baseline and sees a later mismatch', async () => {
  const { context, page } = await as('security-lead');
  await page.goto(`${url}/ui/inventory?lang=sl`);
  await page.click('#integrity-link');
  await page.waitForURL(/\/ui\/integrity$/);
  const dapa = page.locator('#integrity-table tr', { hasText: 'DAPA-SYS' });
  assert.match(await dapa.innerText(), /ni potrjenega izhodišča/);

  // The first scan of DAPA-SYS arrives as a baseline (as `adam integrity scan` sends it).
  const submitted = await context.request.post(`${url}/api/v1/integrity/scans`, {
    data: { server: 'DAPA-SYS', baseline: true, files: files('22') },
  });
  assert.equal(submitted.status(), 201, await submitted.text());
  await page.reload();
  assert.match(await dapa.innerText(), /1/);
  await page.screenshot({ path: `${artifacts}/registers-integrity-sl.png` });
  await dapa.locator('a').first().click();
  await page.waitForURL(/\/ui\/integrity\/\d+$/);
  const form = page.locator('form.approve-form').first();
  // Without the change's reference: refused at the field.
  await form.locator('button').click();
  assert.match(await page.locator('#ap_change-error').innerText(), /50\. člen|Art\. 50/);
  const input = page.locator('form.approve-form input[name="change"]').first();
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  await page.locator('#baselines').screenshot({ path: `${artifacts}/registers-integrity-refused-sl.png` });
  await input.fill('CHG-2026-101');
  await page.locator('form.approve-form button').first().click();
  await page.waitForURL(/#baselines$/);
  assert.match(await page.locator('#baselines-table').innerText(), /CHG-2026-101/);
  assert.equal(await page.locator('form.approve-form').count(), 0);

  // A later scan in which /etc/passwd changed: the page warns and says what differs.
  const scanned = await context.request.post(`${url}/api/v1/integrity/scans`, {
    data: { server: 'DAPA-SYS', baseline: false, files: files('44') },
  });
  assert.equal(scanned.status(), 201, await scanned.text());
  await page.goto(`${page.url().replace(/[?#].*$/, '')}?lang=en`);
  assert.equal(await page.locator('#integrity-warning').count(), 1);
  assert.match(await page.locator('#comparisons-table').innerText(), /etc\/passwd\s+\(content\)/);
  await page.screenshot({ path: `${artifacts}/registers-integrity-server-en.png`, fullPage: true });
  await page.goto(`${url}/ui/integrity?lang=en`);
  assert.match(await page.locator('#integrity-table tr', { hasText: 'DAPA-SYS' }).innerText(), /mismatch/);
  await page.screenshot({ path: `${artifacts}/registers-integrity-en.png` });
  await page.goto(`${url}/ui/integrity/print?lang=sl`);
  assert.match(await page.locator('#integrity-table').innerText(), /DAPA-SYS[\s\S]*neujemanje/);
  await page.screenshot({ path: `${artifacts}/registers-integrity-print-sl.png` });
  await context.close();
});

test('the security lead fills in the classification scheme', async () => {
  const { context, page } = await as('security-lead');
  await page.goto(`${url}/ui/inventory?lang=sl`);
  await page.click('#scheme-link');
  await page.waitForURL(/\/ui\/classification-scheme$/);
  const version = Number(await page.locator('#scheme-version').innerText());
  await page.fill('#name_Z1', 'Interno');
  await page.fill('#criteria_Z1', 'Podatki, katerih razkritje bi oviralo delo organa.');
  await page.fill('#labelling_Z1', 'Oznaka »INTERNO« v glavi vsake strani.');
  await page.click('#scheme-save');
  // Saved: back at the top of the page, the new version in the table.
  await page.waitForURL(/\/ui\/classification-scheme#scheme$/);
  assert.equal(Number(await page.locator('#scheme-version').innerText()), version + 1);
  const z1 = page.locator('#scheme-table tr', { hasText: 'Interno' });
  assert.match(await z1.innerText(), /Z1/);
  assert.match(await z1.innerText(), /INTERNO/);
  assert.match(await page.locator('#history').innerText(), /spremenil shemo razvrščanja/);
  await page.screenshot({ path: `${artifacts}/registers-scheme-sl.png` });
  await page.locator('#scheme-edit').screenshot({ path: `${artifacts}/registers-scheme-form-sl.png` });
  await page.goto(`${url}/ui/classification-scheme?lang=en`);
  assert.match(await page.locator('h1').innerText(), /Classification scheme/);
  await page.screenshot({ path: `${artifacts}/registers-scheme-en.png` });
  await context.close();
});
