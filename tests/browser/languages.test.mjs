// Both languages in a real browser: a refusal (the 403 page), a record page with its ACL
// entries and the "why" explanation, and "my activity", each in Slovenian and in English at
// 1366×768, with screenshots in ARTIFACTS (languages-*.png) to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.env.ADAM_URL;
const artifacts = process.env.ARTIFACTS ?? 'artifacts';
mkdirSync(artifacts, { recursive: true });
const accounts = Object.fromEntries(
  readFileSync(process.env.ADAM_TOKENS, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([label, username, token]) => [label, { username, token }]),
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

async function as(label) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    extraHTTPHeaders: { Authorization: `Bearer ${accounts[label].token}` },
  });
  return { context, page: await context.newPage() };
}

/** The first folder the account may open. */
async function firstFolder(context) {
  for (let id = 0; id < 60; id += 1) {
    const r = await context.request.get(`${url}/ui/folders/${id}`);
    if (r.status() === 200) return id;
  }
  throw new Error('no folder to open');
}

const english = /\b(the|is|not|you|may|must|granted|denied|level)\b/i;

test('the 403 page in both languages', async () => {
  const { context, page } = await as('admin');
  const r = await page.goto(`${url}/ui/folders/0?lang=sl`);
  assert.equal(r.status(), 403);
  const main = await page.locator('main').innerText();
  assert.match(main, /Nimate pravice/);
  assert.doesNotMatch(main, english, main);
  await page.screenshot({ path: `${artifacts}/languages-403-sl.png` });
  await page.goto(`${url}/ui/folders/0?lang=en`);
  assert.match(await page.locator('main').innerText(), /Not allowed/);
  await page.screenshot({ path: `${artifacts}/languages-403-en.png` });
  await context.close();
});

test('a record page and why someone may see it, in both languages', async () => {
  const { context, page } = await as('clerk');
  const id = await firstFolder(context);
  const who = accounts.clerk.username;
  await page.goto(`${url}/ui/folders/${id}?who=${who}&lang=sl`);
  const why = await page.locator('#why pre').innerText();
  assert.match(why, /Nivo \d+: dodeljeno|zavrnjeno/, why);
  assert.doesNotMatch(why, english, why);
  const fields = await page.locator('main section').first().innerText();
  assert.match(fields, /Klasifikacijski znak/);
  assert.doesNotMatch(fields, /class#|job#/);
  await page.screenshot({ path: `${artifacts}/languages-record-sl.png`, fullPage: true });
  await page.locator('#why').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/languages-why-sl.png` });
  await page.goto(`${url}/ui/folders/${id}?who=${who}&lang=en`);
  assert.match(await page.locator('#why pre').innerText(), /Level \d+: granted|denied/);
  await page.screenshot({ path: `${artifacts}/languages-record-en.png`, fullPage: true });
  await page.locator('#why').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/languages-why-en.png` });
  await context.close();
});

test('my activity says each action in words', async () => {
  const { context, page } = await as('clerk');
  await page.goto(`${url}/ui/activity?lang=sl`);
  const cells = await page.locator('main td[title]').allInnerTexts();
  assert.ok(cells.length > 0, 'the clerk has activity');
  for (const cell of cells) assert.doesNotMatch(cell, /^[a-z_]+\.[a-z_.]+$/, `a raw code: ${cell}`);
  await page.screenshot({ path: `${artifacts}/languages-activity-sl.png` });
  await page.goto(`${url}/ui/activity?lang=en`);
  await page.screenshot({ path: `${artifacts}/languages-activity-en.png` });
  await context.close();
});
