// The customer pool in a real browser, on a desktop and on a phone: claiming, and a user without
// the right to own customers sees no claim button and a forged claim is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, chooseByText } from './support.js';

const env = suite();

async function poolPage(login, options) {
  const ctx = await env.browser.newContext({ locale: 'zh-CN', ...options });
  const page = await ctx.newPage();
  await signIn(page, env.server.base, login);
  await page.waitForURL(`${env.server.base}/`);
  await page.goto(`${env.server.base}/pools`);
  await hydrated(page);
  await page.locator('[data-testid=pool-row]').first().waitFor();
  return { ctx, page };
}

for (const [label, login, options] of [
  ['desktop', 'bj.sales1', { viewport: { width: 1280, height: 900 } }],
  ['phone', 'sh.sales1', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
]) {
  test(`a rep claims a pool customer (${label})`, async () => {
    const { ctx, page } = await poolPage(login, options);
    const rows = page.locator('[data-testid=pool-row]');
    const before = await rows.count();
    assert.equal(before, 10);
    const first = rows.first();
    const name = await first.locator('td.name').innerText();
    await first.locator('[data-testid=claim]').click();
    await page.locator('[data-testid=claimed]').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=pool-row]').length === n, before - 1);
    // It is theirs now.
    await page.goto(`${env.server.base}/customers`);
    await page.locator('[data-testid=customer-list]').waitFor();
    assert.ok((await page.locator('[data-testid=customer-list]').innerText()).includes(name.replace(/^.*：/, '').trim()));
    if (label === 'phone') {
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
    }
    await ctx.close();
  });
}

test('without the right to own customers: no claim button, and a forged claim is refused', async () => {
  const { ctx, page } = await poolPage('bj.service', { viewport: { width: 1280, height: 900 } });
  assert.equal(await page.locator('[data-testid=claim]').count(), 0);
  const id = await page.locator('[data-testid=pool-row]').first().getAttribute('data-id');
  const status = await page.evaluate(async (customer) => {
    const res = await fetch('/api/pools/claim', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `id=${customer}`,
    });
    return res.status;
  }, id);
  assert.equal(status, 403);
  // Still waiting in the pool.
  await page.reload();
  await page.locator(`[data-testid=pool-row][data-id="${id}"]`).waitFor();
  await ctx.close();
});

test('a second claimer is told who has the customer', async () => {
  const a = await poolPage('bj.sales2', { viewport: { width: 1280, height: 900 } });
  const b = await poolPage('bj.sales3', { viewport: { width: 1280, height: 900 } });
  const id = await a.page.locator('[data-testid=pool-row]').first().getAttribute('data-id');
  await a.page.locator(`[data-testid=pool-row][data-id="${id}"] [data-testid=claim]`).click();
  await a.page.locator('[data-testid=claimed]').waitFor();
  // b's page still shows it; b's claim loses with a clear message.
  await b.page.locator(`[data-testid=pool-row][data-id="${id}"] [data-testid=claim]`).click();
  const error = b.page.locator('[data-testid=action-error]');
  await error.waitFor();
  assert.equal(await error.innerText(), '该客户已被 刘洋 领取。');
  await a.ctx.close();
  await b.ctx.close();
});
