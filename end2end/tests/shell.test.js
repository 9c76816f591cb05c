// The foundation in a real browser: sign in, the shell, errors, sign out, redirects, language,
// and the phone layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, chooseByText } from './support.js';

const env = suite();

async function newPage(options = {}) {
  const context = await env.browser.newContext({ locale: 'zh-CN', ...options });
  const page = await context.newPage();
  return { context, page };
}

test('a demo user signs in and sees the shell with their name, unit and allowed entries', async () => {
  const { context, page } = await newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(page, env.server.base, 'bj.sales1');
  await page.waitForURL(`${env.server.base}/`);
  await hydrated(page);
  const who = page.locator('[data-testid=who]');
  await who.waitFor();
  assert.match(await who.innerText(), /张伟/);
  assert.match(await who.innerText(), /北京销售一组/);
  const sidebar = page.locator('[data-testid=sidebar]');
  assert.ok(await sidebar.isVisible());
  assert.equal(await sidebar.locator('[data-area=customers]').count(), 1);
  assert.equal(await sidebar.locator('[data-area=admin]').count(), 0, 'a sales rep has no admin entry');
  assert.equal(await page.locator('[data-testid=bottom-nav]').isVisible(), false);
  // Client-side navigation inside the shell.
  await sidebar.locator('[data-area=customers]').click();
  await page.waitForURL(`${env.server.base}/customers`);
  await page.locator('[data-testid=customer-list]').waitFor();
  await context.close();
});

test('the administrator sees the admin entry', async () => {
  const { context, page } = await newPage();
  await signIn(page, env.server.base, 'admin');
  await page.waitForURL(`${env.server.base}/`);
  await page.locator('[data-testid=sidebar] [data-area=admin]').waitFor();
  await context.close();
});

test('a wrong password shows a clear message and stays on the sign-in page', async () => {
  const { context, page } = await newPage();
  await signIn(page, env.server.base, 'bj.sales1', 'wrong-password');
  const error = page.locator('[data-testid=login-error]');
  await error.waitFor();
  assert.equal(await error.innerText(), '登录名或密码错误。');
  assert.equal(new URL(page.url()).pathname, '/login');
  await context.close();
});

test('sign out ends the session and returns to the sign-in page', async () => {
  const { context, page } = await newPage();
  await signIn(page, env.server.base, 'sh.manager');
  await page.waitForURL(`${env.server.base}/`);
  await hydrated(page);
  await page.click('[data-testid=sign-out]');
  await page.waitForURL(`${env.server.base}/login`);
  // The old session is gone: a protected page sends us back to sign in.
  await page.goto(`${env.server.base}/customers`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await context.close();
});

test('a protected page redirects to sign-in when not signed in', async () => {
  const { context, page } = await newPage();
  for (const path of ['/', '/customers', '/admin']) {
    await page.goto(`${env.server.base}${path}`);
    assert.equal(new URL(page.url()).pathname, '/login', path);
    await page.locator('[data-testid=login-form]').waitFor();
  }
  await context.close();
});

test('the language follows the browser, switches in the UI and is remembered', async () => {
  const { context, page } = await newPage({ locale: 'en-US' });
  await page.goto(`${env.server.base}/login`);
  await hydrated(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('.login-card').innerText(), /Login name or e-mail/);
  await page.click('[data-testid=lang-zh]');
  await page.locator('text=登录名或邮箱').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.reload();
  await hydrated(page);
  assert.match(await page.locator('.login-card').innerText(), /登录名或邮箱/, 'remembered after reload');

  // In the shell too.
  await page.fill('[data-testid=login]', 'finance');
  await page.fill('[data-testid=password]', 'demo1234');
  await page.click('[data-testid=submit]');
  await page.waitForURL(`${env.server.base}/`);
  await hydrated(page);
  await page.locator('[data-testid=sidebar] >> text=工作台').waitFor();
  assert.equal(await page.title(), '集团 CRM');
  await page.click('[data-testid=lang-switch]');
  await page.locator('[data-testid=sidebar] >> text=Dashboard').waitFor();
  assert.equal(await page.title(), 'Group CRM', 'the title follows the language');
  await page.reload();
  await page.locator('[data-testid=sidebar] >> text=Dashboard').waitFor();
  assert.equal(await page.title(), 'Group CRM', 'the server writes the chosen language\'s title');
  await context.close();
});

test('on a phone (390x844) the bottom navigation shows and nothing scrolls sideways', async () => {
  const { context, page } = await newPage({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 3,
  });
  await page.goto(`${env.server.base}/login`);
  await hydrated(page);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'login page fits');
  await page.fill('[data-testid=login]', 'admin');
  await page.fill('[data-testid=password]', 'demo1234');
  await page.click('[data-testid=submit]');
  await page.waitForURL(`${env.server.base}/`);
  await hydrated(page);
  const bottom = page.locator('[data-testid=bottom-nav]');
  await bottom.waitFor({ state: 'visible' });
  assert.equal(await page.locator('[data-testid=sidebar]').isVisible(), false);
  const box = await bottom.boundingBox();
  assert.ok(box.y + box.height <= 844 + 1 && box.y > 700, `bottom bar at the bottom (${JSON.stringify(box)})`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
  // Entries beyond the bar live under "More".
  await page.click('[data-testid=more]');
  const sheet = page.locator('[data-testid=more-sheet]');
  await sheet.waitFor();
  await sheet.locator('[data-area=admin]').click();
  await page.waitForURL(`${env.server.base}/admin`);
  await page.locator('[data-testid=admin]').waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
  await context.close();
});

test('every page hydrates without errors in the browser console', async () => {
  const { context, page } = await newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, env.server.base, 'admin');
  await page.waitForURL(`${env.server.base}/`);
  for (const path of ['/', '/customers', '/customers/1', '/pools', '/leads', '/opportunities', '/contracts', '/approvals', '/tasks', '/reports',
    '/admin', '/admin/users', '/admin/roles', '/admin/explain', '/admin/audit']) {
    await page.goto(`${env.server.base}${path}`);
    await hydrated(page);
    await page.waitForTimeout(150);
    assert.deepEqual(errors, [], `console errors on ${path}`);
  }
  await context.close();
});
