// What the browser tests share: the demo's address and its accounts' API tokens (written by
// `adam serve --demo`), the screenshots' directory, and one headless Chromium per test file
// with a 1366×768 context signed in as a demo account (by its bearer token).
import { before, after } from 'node:test';
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const url = process.env.ADAM_URL;
export const artifacts = process.env.ARTIFACTS ?? 'artifacts';
mkdirSync(artifacts, { recursive: true });
export const tokens = Object.fromEntries(
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

// A fresh context and page signed in as the demo account `label`.
export async function as(label) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    extraHTTPHeaders: { Authorization: `Bearer ${tokens[label]}` },
  });
  return { context, page: await context.newPage() };
}
