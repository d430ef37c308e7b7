// The continuity register (Decree Art. 15, 29; issue #18) in a real browser: the security
// lead opens VOPI's continuity page from its inventory page and sees its targets and its last
// drill with the measured RTO (met) and RPO (not met); the overview marks DAPA's restore test
// overdue, and DAPA's page says so; a duration that cannot be read is refused at its field with
// what was typed kept; the security lead records a plan review through the overview's form (refused
// first: reported before it was held). Screenshots in both languages go to ARTIFACTS
// (continuity-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { url, artifacts, tokens, as } from './support.mjs';

test('the continuity page of a system shows its targets, its last drill measured and an overdue restore test', async () => {
  const { context, page } = await as('security-lead');
  // From the inventory item to its continuity page.
  await page.goto(`${url}/ui/inventory?lang=sl`);
  await page.click('text=VOPI-SYS');
  await page.click('#continuity-link');
  await page.waitForURL(/\/ui\/continuity\/systems\/\d+/);
  assert.match(await page.locator('h1').innerText(), /VOPI-SYS/);
  assert.equal((await page.locator('#cont-criticality').innerText()).trim(), 'kritično');
  assert.equal((await page.locator('#cont-rto').innerText()).trim(), '4h');
  assert.equal((await page.locator('#cont-rpo').innerText()).trim(), '15min');
  const drill = page.locator('#cont-tests tr[data-kind="cont_kind_drill"]').first();
  assert.match(await drill.locator('.measured-rto').innerText(), /2h 40min\s+doseženo/);
  assert.match(await drill.locator('.measured-rpo').innerText(), /20min\s+ni doseženo/);
  assert.equal(await page.locator('#cont-restore-overdue').count(), 0);
  await page.screenshot({ path: `${artifacts}/continuity-system-sl.png`, fullPage: true });
  const vopi = page.url().replace(/\?.*$/, '');

  // The overview: DAPA's restore test is overdue.
  await page.goto(`${url}/ui/continuity?lang=sl`);
  assert.match(await page.locator('h1').innerText(), /Neprekinjenost poslovanja/);
  const dapa = page.locator('#cont-systems tr[data-system="DAPA-SYS"]');
  assert.match(await dapa.locator('.restore-overdue').innerText(), /obnovitev zamujena/);
  await page.screenshot({ path: `${artifacts}/continuity-sl.png`, fullPage: true });
  await dapa.locator('a').first().click();
  await page.waitForURL(/\/ui\/continuity\/systems\/\d+/);
  assert.equal(await page.locator('#cont-restore-overdue').count(), 1);
  assert.match(await page.locator('#cont-acceptances').innerText(), /RPO 1d/);

  // In English.
  await page.goto(`${url}/ui/continuity?lang=en`);
  assert.match(await page.locator('h1').innerText(), /Business continuity/);
  assert.match(await page.locator('#cont-systems tr[data-system="DAPA-SYS"] .restore-overdue').innerText(), /restore overdue/);
  await page.screenshot({ path: `${artifacts}/continuity-en.png`, fullPage: true });
  await page.goto(`${vopi}?lang=en`);
  assert.match(await page.locator('#cont-tests tr[data-kind="cont_kind_drill"] .measured-rpo').first().innerText(), /20min\s+not met/);
  await page.screenshot({ path: `${artifacts}/continuity-system-en.png`, fullPage: true });

  // A duration that cannot be read: the message at the field, what was typed kept.
  await page.fill('#f_rto', 'soon');
  await page.click('#cont-save-bia');
  assert.match(await page.locator('#f_rto-error').innerText(), /not a duration/);
  assert.equal(await page.inputValue('#f_rto'), 'soon');
  await page.screenshot({ path: `${artifacts}/continuity-refused-en.png` });
  await context.close();
});

test('the security lead records a plan review through the form on the overview', async () => {
  const { context, page } = await as('security-lead');
  // The lead's username, from the demo's token file (label, username, token).
  const lead = readFileSync(process.env.ADAM_TOKENS, 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .find(([label]) => label === 'security-lead')[1];
  await page.goto(`${url}/ui/continuity?lang=sl`);
  assert.equal(await page.locator('#cont-plan-form').count(), 1);
  assert.equal(await page.locator('#cont-no-reviews').count(), 1);
  const today = await page.inputValue('#f_review_date');
  const outcome = 'Dopolnjena klicna veriga; nova rezervna lokacija v KS Center.';

  // Reported to the head of the body before the review: refused at its field, what was
  // typed kept.
  await page.check('input[name="trigger"][value="annual"]');
  await page.fill('#f_reviewer', lead);
  await page.fill('#f_outcome', outcome);
  await page.fill('#f_reported', '2020-01-01');
  await page.click('#cont-save-review');
  assert.match(await page.locator('#f_reported-error').innerText(), /2020-01-01/);
  assert.equal(await page.inputValue('#f_outcome'), outcome);
  assert.equal(await page.inputValue('#f_reviewer'), lead);
  await page.locator('#cont-review-form').screenshot({ path: `${artifacts}/continuity-review-refused-sl.png` });

  // Reported the same day: recorded, listed with the plan, and the last review is today.
  await page.fill('#f_reported', today);
  await page.click('#cont-save-review');
  const row = page.locator('#cont-reviews tbody tr').first();
  assert.match(await row.innerText(), /letni pregled/);
  assert.match(await row.innerText(), /Dopolnjena klicna veriga/);
  assert.equal((await page.locator('#cont-last-review').innerText()).trim(), today);
  await page.screenshot({ path: `${artifacts}/continuity-review-sl.png`, fullPage: true });
  await context.close();
});
