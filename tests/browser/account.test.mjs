// Signing in to ADAM's UI in a real browser (Debian's chromium driven by playwright-core):
// the demo's temporary password, setting a new one, enrolling TOTP and signing in with it,
// a change through a form of the cookie session (its CSRF token), my sessions, signing out,
// and "forgot password" through a real SMTP server. Started by scripts/browser-test, which
// runs `adam serve --demo` with ADAM_URL, ADAM_TOKENS, ADAM_PASSWORDS (the demo's files),
// ADAM_SMTP_PORT (where ADAM sends e-mail; the sink below listens there) and ARTIFACTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';
import { startSink } from './smtp-sink.mjs';

const url = process.env.ADAM_URL;
const artifacts = process.env.ARTIFACTS ?? 'artifacts';
mkdirSync(artifacts, { recursive: true });
const table = (path) => Object.fromEntries(
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([label, username, secret]) => [label, { username, secret }]),
);
const tokens = table(process.env.ADAM_TOKENS);
const passwords = table(process.env.ADAM_PASSWORDS);

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

let browser;
let sink;
before(async () => {
  sink = startSink(Number(process.env.ADAM_SMTP_PORT));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});
after(async () => {
  await browser?.close();
  await sink?.close();
});

const fresh = () => browser.newContext({ viewport: { width: 1366, height: 768 } });

async function signIn(page, username, password) {
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.locator('#login-form button[type=submit]').click();
}

test('a user administrator changes the temporary password, enrols TOTP, and signs in with it', async () => {
  const context = await fresh();
  const page = await context.newPage();
  const { username, secret: temporary } = passwords['user-admin'];
  const chosen = 'Zelena-Lipa-Stopnice-42!';

  // Not signed in: the sign-in page, which comes back to the page asked for.
  await page.goto(`${url}/ui/roles`);
  await page.waitForURL(/\/ui\/login\?next=%2Fui%2Froles/);
  await page.screenshot({ path: `${artifacts}/login.png`, fullPage: true });
  await signIn(page, username, 'not-the-password');
  assert.match(await page.locator('#login-error').textContent(), /ni pravilno/);
  // Past the short, growing delay that follows a failed attempt.
  await page.waitForTimeout(2500);

  // The demo's password is temporary: it must be changed first.
  await signIn(page, username, temporary);
  await page.waitForURL(/\/ui\/password$/);
  assert.match(await page.locator('main').textContent(), /začasnim geslom/);
  await page.fill('#current', temporary);
  await page.fill('#new', 'geslo123');
  await page.fill('#confirm', 'geslo123');
  await page.getByRole('button', { name: 'Shrani' }).click();
  await page.locator('.field-error').first().waitFor();
  await page.screenshot({ path: `${artifacts}/password-refused.png`, fullPage: true });
  await page.fill('#current', temporary);
  await page.fill('#new', chosen);
  await page.fill('#confirm', chosen);
  await page.getByRole('button', { name: 'Shrani' }).click();
  await page.waitForURL(/done=password/);

  // A user administrator needs a second factor: enrolment comes next.
  await signIn(page, username, chosen);
  await page.waitForURL(/\/ui\/mfa$/);
  await page.locator('#mfa-enrol button').click();
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  assert.equal(await page.locator('.qr svg').count(), 1, 'a QR code');
  assert.equal(await page.locator('#backup-codes li').count(), 10);
  await page.screenshot({ path: `${artifacts}/mfa-enrol.png`, fullPage: true });
  const codes = await page.locator('#backup-codes li').allTextContents();
  // A wrong first code (issue #14): the QR code, the secret and the backup codes ("shown only
  // now") stay on the page, and the message is at the code field — in both languages.
  const right = totp(secret);
  const wrong = `${(Number(right[0]) + 5) % 10}${right.slice(1)}`;
  for (const lang of ['sl', 'en']) {
    await page.evaluate((l) => { document.querySelector('#mfa-confirm').action = `/ui/mfa/confirm?lang=${l}`; }, lang);
    await page.fill('#code', wrong);
    await page.locator('#mfa-confirm button[type=submit]').click();
    await page.locator('#code-error').waitFor();
    assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is still there');
    assert.equal((await page.locator('#totp-secret').textContent()).trim(), secret);
    assert.deepEqual(await page.locator('#backup-codes li').allTextContents(), codes);
    assert.match(await page.locator('#code-error').textContent(), lang === 'sl' ? /Koda ni pravilna/ : /The code is wrong/);
    await page.screenshot({ path: `${artifacts}/mfa-wrong-code-${lang}.png`, fullPage: false });
  }
  await page.evaluate(() => { document.querySelector('#mfa-confirm').action = '/ui/mfa/confirm?lang=sl'; });
  await page.fill('#code', totp(secret));
  await page.locator('#mfa-confirm button[type=submit]').click();
  await page.waitForURL(/\/ui\/mfa\?done=1/);
  // Back to Slovenian for the rest (the English page above set the language cookie).
  await page.goto(`${url}/ui/mfa?lang=sl`);

  // A change through a form of the cookie session (the form carries the CSRF token).
  await page.goto(`${url}/ui?q=vopiglpi03`);
  await page.locator('a[href^="/ui/users/"]').first().click();
  await page.locator('#user-form').waitFor();
  await page.fill('#phone', '05 664 61 99');
  await page.locator('#user-form button[type=submit]').click();
  await page.waitForLoadState();
  assert.equal(await page.locator('.field-error, .error').count(), 0, await page.locator('main').textContent());
  assert.match(await page.locator('dl.fields').first().textContent(), /05 664 61 99/);
  assert.match(await page.locator('#last-change').textContent(), new RegExp(username));

  // My sessions, then sign out.
  await page.goto(`${url}/ui/sessions`);
  assert.match(await page.locator('#sessions').textContent(), /ta seja/);
  await page.screenshot({ path: `${artifacts}/sessions.png`, fullPage: true });
  await page.locator('summary.who').click();
  await page.locator('#logout').click();
  await page.waitForURL(/done=logout/);
  await page.goto(`${url}/ui`);
  await page.waitForURL(/\/ui\/login/);

  // Signing in again: the password, then a code from the app (the next step's, within the
  // allowed skew; the enrolment spent the current one).
  await signIn(page, username, chosen);
  await page.locator('#mfa-form').waitFor();
  await page.screenshot({ path: `${artifacts}/mfa-step.png`, fullPage: true });
  await page.fill('#code', '000000');
  await page.getByRole('button', { name: 'Naprej' }).click();
  await page.locator('#login-error').waitFor();
  await page.waitForTimeout(2500);
  await page.fill('#code', totp(secret, Date.now() + 30000));
  await page.getByRole('button', { name: 'Naprej' }).click();
  await page.waitForURL(/\/ui$/);
  await page.getByText('Company.main', { exact: true }).waitFor();
  await context.close();
});

test('forgot password: the e-mail arrives through SMTP and its link sets a new password', async () => {
  // The clerk's address, as anyone signed in sees it on the user page.
  const looker = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${tokens.clerk.secret}` } });
  const lookup = await looker.newPage();
  await lookup.goto(`${url}/ui?q=${tokens.clerk.username}`);
  await lookup.locator('a[href^="/ui/users/"]').first().click();
  const email = (await lookup.locator('dt:text-is("E-pošta") + dd').textContent()).trim();
  await looker.close();

  const context = await fresh();
  const page = await context.newPage();
  await page.goto(`${url}/ui/login`);
  await page.getByRole('link', { name: 'Pozabljeno geslo' }).click();
  await page.fill('#email', email);
  await page.getByRole('button', { name: 'Pošlji povezavo' }).click();
  const said = await page.locator('#forgot-accepted').textContent();
  assert.match(said, /skrbnika uporabnikov/);
  await page.screenshot({ path: `${artifacts}/forgot.png`, fullPage: true });

  const mail = await sink.next(email);
  assert.match(mail.text, new RegExp(tokens.clerk.username), 'the e-mail lists the account');
  const link = mail.text.match(/https?:\/\/\S+\/reset\?token=\S+/)[0];
  await page.goto(link);
  await page.waitForURL(/\/ui\/reset\?token=/);
  const chosen = 'Modra-Reka-Kamniti-Most-7';
  await page.fill('#username', tokens.clerk.username);
  await page.fill('#new', chosen);
  await page.fill('#confirm', chosen);
  await page.screenshot({ path: `${artifacts}/reset.png`, fullPage: true });
  await page.getByRole('button', { name: 'Shrani' }).click();
  await page.waitForURL(/done=password/);
  // A clerk on a trusted network signs in with the password alone.
  await signIn(page, tokens.clerk.username, chosen);
  await page.waitForURL(/\/ui$/);
  await page.getByText('Company.main', { exact: true }).waitFor();
  // The link works once.
  await page.goto(link);
  await page.fill('#username', tokens.clerk.username);
  await page.fill('#new', chosen + 'x');
  await page.fill('#confirm', chosen + 'x');
  await page.getByRole('button', { name: 'Shrani' }).click();
  await page.locator('.field-error').first().waitFor();
  await context.close();
});
