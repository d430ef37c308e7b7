// The first run of a new installation in a real browser, as the README tells a newcomer:
// `adam init` prints the address, the username and a temporary password; the system
// administrator signs in, changes the password, enrols TOTP, creates the first office, an
// application, a role with contents, a job and a person in it with a temporary password,
// grants the role, and that person signs in. Runs its own installation: ADAM_BIN (set by
// scripts/browser-test) with a fresh data directory on a free loopback port. Screenshots of
// the pages the first run changed, in Slovenian and English, go to ARTIFACTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';

const bin = process.env.ADAM_BIN;
const artifacts = process.env.ARTIFACTS ?? 'artifacts';
mkdirSync(artifacts, { recursive: true });

// RFC 6238 with the parameters of ADAM's otpauth URI: SHA-1, 6 digits, 30-second steps.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
function totp(secret, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = h[19] & 15;
  return String((h.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.unref();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

let browser;
let server;
let data;
let url;
let printed;
before(async () => {
  assert.ok(bin, 'ADAM_BIN names the adam binary (scripts/browser-test sets it)');
  data = mkdtempSync(join(tmpdir(), 'adam-firstrun-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  printed = execFileSync(bin, ['--data', data, 'init', '--organisation', 'Občina Prvi Zagon',
    '--admin-email', 'it@prvi-zagon.si', '--public-url', url], { encoding: 'utf8' });
  server = spawn(bin, ['--data', data, 'serve', '--insecure-cookies', '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (d) => { log += d; });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch { /* not yet listening */ }
    if (server.exitCode !== null) throw new Error(`adam serve stopped:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});
after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  if (data) rmSync(data, { recursive: true, force: true });
});

// A busy machine hashes passwords slowly in a debug build: wait longer than the default.
const fresh = async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(120000);
  return context;
};

async function signIn(page, username, password) {
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.locator('#login-form button[type=submit]').click();
}

// The page now, in Slovenian and in English (the language is remembered: back to Slovenian).
async function shots(page, name) {
  const here = new URL(page.url());
  for (const lang of ['en', 'sl']) {
    here.searchParams.set('lang', lang);
    await page.goto(here.toString());
    await page.screenshot({ path: `${artifacts}/${name}-${lang}.png`, fullPage: true });
  }
}

async function changePassword(page, from, to) {
  await page.waitForURL(/\/ui\/password$/);
  await page.fill('#current', from);
  await page.fill('#new', to);
  await page.fill('#confirm', to);
  await page.locator('#password-form button[type=submit]').click();
  await page.waitForLoadState();
  assert.match(page.url(), /done=password/, await page.locator('main').textContent());
}

test('from adam init to an office with a person who signs in', async () => {
  // What init printed: the address, the username, the temporary password.
  const address = printed.match(/Address:\s+(\S+)/)?.[1];
  const username = printed.match(/Username:\s+(\S+)/)?.[1];
  const temporary = printed.match(/Temporary password:\s+(\S+)/)?.[1];
  assert.equal(address, `${url}/ui`, printed);
  assert.equal(username, 'admin');
  assert.ok(temporary && temporary.length >= 20, printed);

  const context = await fresh();
  const page = await context.newPage();
  await page.goto(address);
  await page.waitForURL(/\/ui\/login/);
  await signIn(page, username, temporary);
  const chosen = 'Modra-Reka-Pod-Mostom-17!';
  await changePassword(page, temporary, chosen);
  await signIn(page, username, chosen);
  await page.waitForURL(/\/ui\/mfa$/);
  await page.locator('#mfa-enrol button').click();
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  await page.fill('#code', totp(secret));
  await page.locator('#mfa-confirm button[type=submit]').click();
  await page.waitForURL(/\/ui\/mfa\?done=1/);

  // The tree of a new organisation: no office yet, and the form for the first one.
  await page.goto(`${url}/ui`);
  await page.locator('#no-offices').waitFor();
  await shots(page, 'firstrun-tree-empty');
  await page.fill('#code', 'bad code');
  await page.fill('#name', 'Glavna pisarna');
  await page.locator('#top-office-form button[type=submit]').click();
  await page.locator('#new-top-office .field-error').waitFor();
  assert.equal(await page.inputValue('#name'), 'Glavna pisarna', 'what was typed stays');
  await page.screenshot({ path: `${artifacts}/firstrun-office-refused.png`, fullPage: true });
  await page.fill('#code', 'GLPI');
  await page.locator('#top-office-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/offices\/\d+(#[\w-]*)?$/);
  await shots(page, 'firstrun-office');

  // An application, its role, and a user role that contains it.
  await page.goto(`${url}/ui/roles`);
  await page.fill('#app_code', 'VOPI');
  await page.fill('#app_name', 'Vodenje postopkov');
  await page.locator('#application-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/roles#applications$/);
  await page.fill('#role_code', 'VOPI.read');
  await page.selectOption('#role_kind', 'application');
  await page.selectOption('#role_app', { label: 'VOPI – Vodenje postopkov' });
  await page.fill('#role_description', 'Branje zadev VOPI');
  await page.selectOption('#role_level', '13');
  await page.locator('#role-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/roles\/\d+$/);
  await page.goto(`${url}/ui/roles`);
  await page.fill('#role_code', 'Referent');
  await page.selectOption('#role_kind', 'user');
  await page.fill('#role_description', 'Referent za postopke');
  await page.locator('#role-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/roles\/\d+$/);
  await page.getByLabel(/VOPI\.read/).check();
  await page.locator('#role-edit-form button[type=submit]').click();
  await page.locator('#role-contents').waitFor();
  assert.match(await page.locator('#role-contents').textContent(), /VOPI\.read/);
  await shots(page, 'firstrun-role');
  await page.goto(`${url}/ui/roles`);
  assert.match(await page.locator('#role-tree').textContent(), /Referent[\s\S]*VOPI\.read/);
  await shots(page, 'firstrun-roles');

  // A job in the office, and a person in it with a temporary password.
  await page.goto(`${url}/ui?q=GLPI`);
  await page.locator('#hits a').first().click();
  await page.fill('#job_code', 'JOB.0101');
  await page.fill('#job_name', 'Referent za sprejem pošte');
  await page.fill('#job_signing_code', '1002');
  await page.locator('#job-create-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/jobs\/\d+(#[\w-]*)?$/);
  const jobUrl = page.url().split('#')[0];
  const personal = 'Zelen-Travnik-Za-Hišo-8';
  await page.fill('#new_username', 'ana');
  await page.fill('#new_first_name', 'Ana');
  await page.fill('#new_last_name', 'Novak');
  await page.fill('#new_email', 'ana@prvi-zagon.si');
  await page.fill('#new_temporary', personal);
  await page.locator('#user-create-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/users\/\d+(#[\w-]*)?$/);

  // The role granted to the job.
  await page.goto(jobUrl);
  await page.selectOption('#role', { label: 'Referent' });
  await page.locator('#grant-form button[type=submit]').click();
  await page.waitForLoadState();
  assert.match(await page.locator('#restrictions').textContent(), /Referent/);
  // The picker finds people by name (here: the one already in the job is not offered).
  await page.fill('#occupant', 'Novak');
  await page.locator('#occupant-form button[type=submit]').click();
  await page.locator('#candidates').waitFor();
  await shots(page, 'firstrun-job');
  // Without script the picker is a page of its own: ana, found by name, is put in the head's
  // job too with one button.
  await page.goto(`${url}/ui?q=LEADER.GLPI`);
  await page.locator('#hits a').first().click();
  await page.waitForURL(/\/ui\/jobs\/\d+(#[\w-]*)?$/);
  const leader = page.url().split('#')[0];
  await page.goto(`${leader}/candidates?q=novak`);
  await page.locator('#candidates li').first().waitFor();
  await shots(page, 'firstrun-picker');
  await page.locator('#candidates button[type=submit]').first().click();
  await page.waitForURL((u) => u.href.split('#')[0] === leader);
  assert.match(await page.locator('#occupants').textContent(), /Ana Novak/);
  // A second person, deactivated: marked in the search and in the tree.
  await page.fill('#new_username', 'bojan');
  await page.fill('#new_first_name', 'Bojan');
  await page.fill('#new_last_name', 'Kos');
  await page.fill('#new_email', 'bojan@prvi-zagon.si');
  await page.locator('#user-create-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/users\/\d+(#[\w-]*)?$/);
  await page.locator('#user-active-form button[type=submit]').click();
  // Deactivating asks first (a page of its own): confirm it.
  await page.locator('#confirm-form button[type=submit]').click();
  await page.waitForURL(/\/ui\/users\/\d+(#[\w-]*)?$/);
  await page.goto(`${url}/ui?q=bojan`);
  assert.match(await page.locator('#hits').textContent(), /neaktiven račun/);
  await page.locator('#tree details summary').first().click();
  await page.locator('#tree .children li').first().waitFor();
  await page.screenshot({ path: `${artifacts}/firstrun-inactive-sl.png`, fullPage: true });
  await page.goto(`${url}/ui?q=bojan&lang=en`);
  assert.match(await page.locator('#hits').textContent(), /inactive account/);
  await page.locator('#tree details summary').first().click();
  await page.locator('#tree .children li').first().waitFor();
  await page.screenshot({ path: `${artifacts}/firstrun-inactive-en.png`, fullPage: true });
  await page.goto(`${url}/ui?lang=sl`);
  await page.goto(`${url}/ui/overview`);
  await shots(page, 'firstrun-overview');
  await context.close();

  // The person signs in with the temporary password, and is asked for their own.
  const theirs = await fresh();
  const p = await theirs.newPage();
  await p.goto(`${url}/ui`);
  await p.waitForURL(/\/ui\/login/);
  await signIn(p, 'ana', personal);
  await changePassword(p, personal, 'Modri-Oblak-Nebo-Sij-71');
  await signIn(p, 'ana', 'Modri-Oblak-Nebo-Sij-71');
  await p.waitForURL(/\/ui$/);
  await p.getByText('GLPI').first().waitFor();
  await theirs.close();
});
