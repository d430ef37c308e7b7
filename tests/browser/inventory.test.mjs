// Issue 15 in a real browser: the system administrator (a keeper of the inventory) adds a system
// and an asset and links them; the asset's custodian classifies it Z2; the system's custodian
// signs in, sees the system below its floor with the asset that forces it, is refused a class
// below it (at the field, the choice kept) and classifies it. Screenshots of the inventory
// pages in both languages go to ARTIFACTS (inventory-*.png). The data is made here, with
// codes of its own, so the demo's own inventory (when it has one) does not matter.
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
const systemCode = `PROSTOR-${stamp}`;
const assetCode = `PARCELE-${stamp}`;

/// The keeper adds an item through the new-item form; returns its page's address.
async function addItem(page, { kind, code, name, custodian, lastReviewed }) {
  await page.goto(`${url}/ui/inventory`);
  await page.locator('#new-item').click();
  await page.selectOption('#f_kind', kind);
  await page.fill('#f_code', code);
  await page.fill('#f_name', name);
  await page.fill('#f_custodian', custodian);
  if (lastReviewed) await page.fill('#f_last_reviewed', lastReviewed);
  await page.locator('#item-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/inventory\/\d+$/);
  return new URL(page.url()).pathname;
}

test('a custodian classifies a system and sees its floor and its explanation', async () => {
  // The keeper (the system administrator) adds the system, its asset and their link.
  const admin = await as('admin');
  await admin.page.goto(`${url}/ui/inventory`);
  assert.ok(await admin.page.locator('nav a[href="/ui/inventory"]').isVisible(), 'the menu shows the inventory');
  await admin.page.locator('#new-item').click();
  // The custodian picker offers people as one types.
  await admin.page.locator('#f_custodian').pressSequentially(usernames.clerk.slice(0, 4));
  await admin.page.locator(`#dl-custodian option[value="${usernames.clerk}"]`).waitFor({ state: 'attached' });
  await admin.page.screenshot({ path: `${artifacts}/inventory-new-sl.png`, fullPage: true });
  const system = await addItem(admin.page, {
    kind: 'system', code: systemCode, name: 'Prostorski informacijski sistem', custodian: usernames.clerk,
    lastReviewed: '2026-01-15',
  });
  const asset = await addItem(admin.page, {
    kind: 'asset', code: assetCode, name: 'Register parcel', custodian: usernames.mayor,
  });
  await admin.page.goto(`${url}${system}`);
  await admin.page.selectOption('#lnk_other', { label: `${assetCode} – Register parcel` });
  await admin.page.selectOption('#lnk_relation', 'stores');
  await admin.page.locator('#add-link').click();
  await admin.page.waitForURL(/#links$/);
  assert.ok((await admin.page.locator('#links-table').textContent()).includes(assetCode));
  // The keeper does not classify: the form is the custodian's.
  assert.equal(await admin.page.locator('#classify-form').count(), 0);
  assert.ok((await admin.page.locator('#classify-note').textContent()).includes(usernames.clerk));
  await admin.context.close();

  // The asset's custodian classifies it Z2.
  const mayor = await as('mayor');
  await mayor.page.goto(`${url}${asset}`);
  await mayor.page.selectOption('#cls_z', '2');
  await mayor.page.selectOption('#cls_c', '1');
  await mayor.page.selectOption('#cls_r', '1');
  await mayor.page.locator('#classify').click();
  await mayor.page.waitForURL(/#classification$/);
  assert.equal((await mayor.page.locator('#own-class').textContent()).trim(), 'Z2 C1 R1');
  await mayor.context.close();

  for (const lang of ['sl', 'en']) {
    const { context, page } = await as('clerk', lang);
    // The list flags the system: below its floor, not classified (in English, once the
    // custodian classified it in the Slovenian round: no flags, its class).
    await page.goto(`${url}/ui/inventory?mine=1`);
    const row = page.locator('#inventory-table tr', { hasText: systemCode });
    if (lang === 'sl') {
      assert.match(await row.textContent(), /pod pragom/);
      assert.match(await row.textContent(), /ni razvrščeno/);
    } else {
      assert.doesNotMatch(await row.textContent(), /below floor|unclassified/);
      assert.match(await row.textContent(), /Z2 C2 R1/);
    }
    await page.screenshot({ path: `${artifacts}/inventory-list-${lang}.png`, fullPage: true });
    // The system's page: the warning, the floor and the asset forcing it.
    await page.goto(`${url}${system}`);
    if (lang === 'sl') {
      await page.locator('#below-floor-warning').waitFor();
      const floor = (await page.locator('#floor li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
      assert.deepEqual(floor, ['Z2', 'C1', 'R1'].map((c) => `${c} zaradi premoženja ${assetCode}`));
      await page.screenshot({ path: `${artifacts}/inventory-below-floor-sl.png`, fullPage: true });
      // Below the floor: refused at the Z field, what was chosen kept, the message in view.
      await page.selectOption('#cls_z', '1');
      await page.selectOption('#cls_c', '2');
      await page.selectOption('#cls_r', '1');
      await page.fill('#cls_protection', 'osnovna');
      await page.locator('#classify').click();
      const message = page.locator('#cls_z-error');
      await message.waitFor();
      assert.match(await message.textContent(), new RegExp(`ne more biti uvrščen v Z1: njegovo premoženje ${assetCode} je Z2`));
      assert.equal(await page.locator('#cls_z').inputValue(), '1');
      assert.equal(await page.locator('#cls_c').inputValue(), '2');
      assert.equal(await page.locator('#cls_protection').inputValue(), 'osnovna');
      const box = await message.boundingBox();
      assert.ok(box.y >= 0 && box.y + box.height <= 768, `the message is in view: ${JSON.stringify(box)}`);
      await page.screenshot({ path: `${artifacts}/inventory-classify-refused-sl.png` });
      // At the floor: taken, with who and when; the warning is gone, the explanation stays.
      await page.selectOption('#cls_z', '2');
      await page.locator('#classify').click();
      await page.waitForURL(/#classification$/);
      assert.equal((await page.locator('#own-class').textContent()).trim(), 'Z2 C2 R1');
      assert.ok((await page.locator('#classified-by').textContent()).includes(usernames.clerk));
      assert.equal(await page.locator('#below-floor-warning').count(), 0);
    } else {
      const floor = (await page.locator('#floor li').first().textContent()).replace(/\s+/g, ' ').trim();
      assert.equal(floor, `Z2 because of asset ${assetCode}`);
      // The refusal in English.
      await page.selectOption('#cls_z', '1');
      await page.locator('#classify').click();
      await page.locator('#cls_z-error').waitFor();
      assert.match(await page.locator('#cls_z-error').textContent(), /cannot be classified Z1/);
      await page.screenshot({ path: `${artifacts}/inventory-classify-refused-en.png` });
      await page.goto(`${url}${system}`);
    }
    await page.screenshot({ path: `${artifacts}/inventory-system-${lang}.png`, fullPage: true });
    await page.goto(`${url}${asset}`);
    await page.screenshot({ path: `${artifacts}/inventory-asset-${lang}.png`, fullPage: true });
    await context.close();
  }
});

test('screenshots: the Decree roles and the printable pages, in both languages', async () => {
  for (const lang of ['sl', 'en']) {
    const { context, page } = await as('admin', lang);
    await page.goto(`${url}/ui/decree-roles`);
    if (lang === 'sl' && (await page.locator('#current-appointments').count()) === 0) {
      await page.selectOption('#ap_role', 'head');
      await page.fill('#ap_user', usernames.mayor);
      await page.fill('#ap_appointment', 'SKL-1/2026');
      await page.fill('#ap_since', '2026-01-01');
      await page.locator('#appoint-form button[type=submit]').click();
      await page.locator('#current-appointments').waitFor();
    }
    assert.ok((await page.locator('#holders-table').textContent()).includes(systemCode));
    await page.screenshot({ path: `${artifacts}/inventory-decree-roles-${lang}.png`, fullPage: true });
    await page.goto(`${url}/ui/decree-roles/print`);
    await page.screenshot({ path: `${artifacts}/inventory-decree-print-${lang}.png`, fullPage: true });
    await page.goto(`${url}/ui/inventory/print`);
    await page.screenshot({ path: `${artifacts}/inventory-print-${lang}.png`, fullPage: true });
    await context.close();
  }
});
