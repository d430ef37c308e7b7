// Issue 15's attachments in a real browser: the system administrator (a keeper of the
// inventory) adds an asset, uploads a file on its page through the upload form, sees it
// listed, and downloads it back byte for byte; an empty upload comes back with the message at
// the field. Screenshots of the item page with its attachment in both languages go to
// ARTIFACTS (attachments-*.png).
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

test('a file is uploaded on an inventory item, listed and downloaded', async () => {
  const { context, page } = await as('admin');
  await page.goto(`${url}/ui/inventory/new`);
  await page.selectOption('#f_kind', 'asset');
  await page.fill('#f_code', `POGODBE-${stamp}`);
  await page.fill('#f_name', 'Pogodbe z vzdrževalci');
  await page.fill('#f_custodian', usernames.clerk);
  await page.locator('#item-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/inventory\/\d+$/);
  const item = new URL(page.url()).pathname;

  // No file chosen: the message at the file field.
  await page.locator('#upload-attachment').click();
  await page.locator('#f_file-error').waitFor();

  // A file of a few chunks (256 KiB each), uploaded through the form.
  const bytes = Buffer.alloc(700 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = 'Soglasje skrbnika; '.charCodeAt(i % 19);
  await page.goto(`${url}${item}`);
  await page.fill('#att_doc_type', 'soglasje');
  await page.setInputFiles('#f_file', { name: 'soglasje-skrbnika.txt', mimeType: 'text/plain', buffer: bytes });
  await page.locator('#upload-attachment').click();
  await page.waitForURL(new RegExp(`${item}#attachments$`));
  const link = page.locator('#attachments-table a', { hasText: 'soglasje-skrbnika.txt' });
  await link.waitFor();
  const row = await page.locator('#attachments-table tbody tr').first().innerText();
  assert.match(row, /soglasje/);
  assert.match(row, /700\.0 KiB/);
  await page.locator('#attachments').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/attachments-item-sl.png`, fullPage: true });

  // Downloaded back through the page's link, byte for byte, under its name. (The context
  // signs in with a bearer token, which Chromium's download manager does not send: the link is
  // fetched with the page's own request context, which does.)
  const href = await link.getAttribute('href');
  const response = await page.request.get(`${url}${href}`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-disposition'], /filename="soglasje-skrbnika\.txt"/);
  assert.equal(response.headers()['content-type'], 'text/plain');
  assert.ok((await response.body()).equals(bytes), 'the downloaded bytes are the uploaded bytes');

  await page.goto(`${url}${item}?lang=en`);
  await page.locator('#attachments h2', { hasText: 'Attachments' }).waitFor();
  await page.locator('#attachments').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/attachments-item-en.png`, fullPage: true });
  await context.close();
});
