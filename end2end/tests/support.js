// Starts a CRM server on a fresh SQLite database with the demo data, and a headless Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';

const root = resolve(import.meta.dirname, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
// Relative paths in CRM_BIN / LEPTOS_SITE_ROOT are taken from the repository's root.
export const BIN = process.env.CRM_BIN ? resolve(root, process.env.CRM_BIN) : join(targetDir, 'release', 'crm');
export const SITE_ROOT = resolve(root, process.env.LEPTOS_SITE_ROOT || join('target', 'site'));
export const PASSWORD = 'demo1234';

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/crm.db`,
    CRM_LISTEN: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: SITE_ROOT,
    CRM_LOG: 'warn',
  };
  execFileSync(BIN, ['seed-demo'], { env, stdio: 'ignore' });
  const proc = spawn(BIN, ['serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    base,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** Waits until the page has hydrated (the app marks <body data-hydrated>). */
export async function hydrated(page) {
  try {
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 20_000 });
  } catch (e) {
    // Say why: a panic during hydration, or a bundle that never arrived.
    const loaded = await page
      .evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.includes('/pkg/')).map((r) => `${r.name.split('/').pop()} ${Math.round(r.duration)} ms`))
      .catch(() => []);
    e.message += `\n  at ${page.url()}; bundle: ${loaded.join(', ') || 'not loaded'}; page errors: ${(page.crmErrors || []).join(' | ') || 'none seen'}`;
    throw e;
  }
}

/** Collects the page's console errors and uncaught exceptions (also shown when hydration times out). */
/**
 * Waits until the page's live connection is up: the server greeted it (`data-live=live`), so what
 * happens from now on reaches the page. `settleMs` more lets a catch-up on joining arrive.
 */
export async function liveConnected(page, settleMs = 0) {
  await page.locator('[data-live=live]').waitFor({ state: 'attached', timeout: 15_000 });
  if (settleMs) await page.waitForTimeout(settleMs);
}

export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.crmErrors = errors;
  return errors;
}

export async function signIn(page, base, login, password = PASSWORD) {
  await page.goto(`${base}/login`);
  await hydrated(page);
  await page.fill('[data-testid=login]', login);
  await page.fill('[data-testid=password]', password);
  await page.click('[data-testid=submit]');
}

/** One server and one browser for the tests of a file: `const env = suite();` then `env.server`, `env.browser`. */
export function suite() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/** Picks the option of a <select> whose text contains `text`. */
export async function chooseByText(page, selector, text) {
  const value = await page.$eval(selector, (el, t) => [...el.options].find((o) => o.textContent.includes(t))?.value, text);
  assert.ok(value, `an option containing ${text} in ${selector}`);
  await page.selectOption(selector, value);
  return value;
}

/** A new browser context signed in as `login`, on `path`, hydrated: `{ ctx, page }`. */
export async function openAs(env, login, path = '/', options = { viewport: { width: 1280, height: 900 } }) {
  const ctx = await env.browser.newContext({ locale: 'zh-CN', ...options });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, env.server.base, login);
  await page.waitForURL(`${env.server.base}/`);
  if (path !== '/') await page.goto(`${env.server.base}${path}`);
  await hydrated(page);
  return { ctx, page, errors };
}
