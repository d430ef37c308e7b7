// Issue 17 in a real browser: the security lead opens the responsibility matrices, asks who is
// accountable for restoring the middleware of OPSI and gets the party, its job and the person
// holding it now; the same page in English; E2's override and the template's warning with its
// footnote are shown; a matrix for a codename the registry lacks is refused at the codename's
// field. Screenshots in both languages go to ARTIFACTS (raci-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

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

async function as(label, path) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    extraHTTPHeaders: { Authorization: `Bearer ${tokens[label]}` },
  });
  const page = await context.newPage();
  await page.goto(`${url}${path}`);
  return { context, page };
}

test('the RACI page answers who is accountable for restoring the middleware of OPSI', async () => {
  const { context, page } = await as('security-lead', '/ui/raci?lang=sl');
  assert.ok(await page.locator('nav a[href="/ui/raci"]').isVisible(), 'the menu leads here');
  const solutions = await page.locator('#raci-solutions').innerText();
  for (const s of ['OPSI', 'E2', 'EVEM', 'EKT']) assert.match(solutions, new RegExp(s));
  await page.click('#raci-solutions a:text-is("OPSI")');
  await page.selectOption('#f_task', '11');
  await page.selectOption('#f_layer', 'middleware');
  await page.click('#raci-ask');
  await page.locator('#raci-answer').waitFor();
  assert.match(await page.locator('#raci-accountable').innerText(), /Odgovoren \(A\).*AR.*Ponudnik/s);
  assert.match(await page.locator('#raci-accountable-job').innerText(), /LEADER\.GLPI/);
  assert.match(await page.locator('#raci-accountable-people').innerText(), /Mojca Kocjančič/);
  // The customer is informed only on errors and deviations (footnote 5).
  assert.match(await page.locator('#raci-parties').innerText(), /Naročnik\s+I\b.*5\) Obveščanje le ob napakah/s);
  // The template's one warning, with its footnote 6, on Backup / Applications.
  assert.match(await page.locator('.raci-warning').first().innerText(), /naloga 10 \(Varnostno kopiranje\), plast Aplikacije.*6\) Naročnik je odgovoren/s);
  assert.equal(await page.locator('#raci-table tr[data-task="10"] td.cell.warn').count(), 1);
  await page.screenshot({ path: `${artifacts}/raci-who-sl.png`, fullPage: false });
  await page.screenshot({ path: `${artifacts}/raci-matrix-sl.png`, fullPage: true });

  await page.goto(`${url}/ui/raci?solution=OPSI&task=11&layer=middleware&lang=en`);
  assert.match(await page.locator('#raci-accountable').innerText(), /Accountable \(A\).*AR.*Provider/s);
  assert.match(await page.locator('#raci-accountable-people').innerText(), /Mojca Kocjančič/);
  assert.match(await page.locator('#raci-answer h2').innerText(), /Restore.*Middleware/);
  await page.screenshot({ path: `${artifacts}/raci-who-en.png`, fullPage: false });

  // E2: its customer backs up the application itself — an override, no warning left.
  await page.goto(`${url}/ui/raci?solution=E2&lang=en`);
  assert.equal(await page.locator('.raci-warning').count(), 0);
  assert.match(await page.locator('#raci-overrides').innerText(), /Task 10 \(Backup\) \/ Applications \/ Customer: AR.*approved by Alja Zorman/);
  assert.equal(await page.locator('#raci-table tr[data-task="10"] td.cell.overridden').count(), 1);
  await page.screenshot({ path: `${artifacts}/raci-e2-en.png`, fullPage: true });
  await context.close();
});

test('a person with no part in a matrix sees none, and a forged question is refused', async () => {
  const { context, page } = await as('registry', '/ui/raci');
  assert.match(await page.locator('#raci-none').innerText(), /Ni matrik/);
  const r = await page.goto(`${url}/ui/raci?solution=OPSI&task=11&layer=middleware`);
  assert.equal(r.status(), 403);
  await context.close();
});

test('the security lead overrides a cell with a reason and sees it marked; the monthly report prints', async () => {
  const { context, page } = await as('security-lead', '/ui/raci?solution=EKT&lang=sl');
  // Installation test / middleware: the provider only informed (I); it will perform too.
  await page.selectOption('#o_task', '23');
  await page.selectOption('#o_layer', 'middleware');
  await page.selectOption('#o_party', 'provider');
  await page.fill('#o_letters', 'IR');
  await page.click('#raci-override-save');
  // No reason: said at the field, the letters kept.
  await page.locator('#reason-error').waitFor();
  assert.match(await page.locator('#reason-error').innerText(), /razlog/);
  assert.equal(await page.inputValue('#o_letters'), 'IR');
  assert.equal(await page.inputValue('#o_task'), '23');
  await page.locator('#raci-change').screenshot({ path: `${artifacts}/raci-override-error-sl.png` });
  await page.fill('#o_reason', 'Ponudnik opravi končni preizkus namestitvenih skript (proza modela 2A).');
  await page.click('#raci-override-save');
  await page.locator('#raci-table').waitFor();
  assert.equal(await page.locator('#raci-table tr[data-task="23"] td.cell.overridden').count(), 1);
  assert.match(await page.locator('#raci-table tr[data-task="23"] td.cell.overridden').innerText(), /RI/);
  assert.match(await page.locator('#raci-overrides').innerText(), /končni preizkus/);
  await page.screenshot({ path: `${artifacts}/raci-override-sl.png`, fullPage: true });
  // The matrix's history lists the override, by the security lead.
  assert.match(await page.locator('#history').innerText(), /spremenil celico matrike odgovornosti/);
  await page.locator('#history').screenshot({ path: `${artifacts}/raci-history-sl.png` });

  // The monthly report, printable, in both languages; a bad month said at the field.
  await page.click('#raci-solutions a:text-is("OPSI")');
  await page.click('#raci-report-link');
  await page.locator('#raci-report-summary').waitFor();
  assert.match(await page.locator('h1').innerText(), /Mesečno poročilo: OPSI/);
  await page.screenshot({ path: `${artifacts}/raci-report-sl.png`, fullPage: true });
  const bad = await page.goto(`${url}/ui/raci/OPSI/report?month=2026-13`);
  assert.equal(bad.status(), 422);
  assert.match(await page.locator('#month-error').innerText(), /LLLL-MM/);
  await page.goto(`${url}/ui/raci/OPSI/report?month=2026-11&lang=en`);
  assert.match(await page.locator('h1').innerText(), /Monthly report: OPSI/);
  assert.match(await page.locator('#raci-report-month').innerText(), /2026-11/);
  await page.screenshot({ path: `${artifacts}/raci-report-en.png`, fullPage: true });
  await context.close();
});

test('a matrix for a codename the registry of information solutions lacks is refused at its field', async () => {
  const { context, page } = await as('security-lead', '/ui/raci?lang=sl');
  await page.locator('#raci-new-form').scrollIntoViewIfNeeded();
  await page.fill('#n_solution', 'nova');
  await page.click('#raci-new-save');
  await page.locator('#new-solution-error').waitFor();
  assert.match(await page.locator('#new-solution-error').innerText(), /register informacijskih rešitev nima rešitve NOVA/);
  assert.equal(await page.inputValue('#n_solution'), 'nova', 'the codename is kept as typed');
  await page.locator('#raci-new').screenshot({ path: `${artifacts}/raci-new-error-sl.png` });
  // OPSI has its matrix already: said at the same field, in English when asked.
  await page.goto(`${url}/ui/raci?lang=en`);
  await page.fill('#n_solution', 'OPSI');
  await page.click('#raci-new-save');
  await page.locator('#new-solution-error').waitFor();
  assert.match(await page.locator('#new-solution-error').innerText(), /OPSI already has a responsibility matrix/);
  await page.locator('#raci-new').screenshot({ path: `${artifacts}/raci-new-error-en.png` });
  await context.close();
});
