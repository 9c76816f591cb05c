// Pool rules set by an administrator in a real browser take effect; bad numbers are refused with
// a message; a branch manager assigns a pool customer to a rep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, openAs, chooseByText } from './support.js';

const env = suite();

const open = (login, path, options) => openAs(env, login, path, options);

test('an entry rule added by the administrator routes new pool customers', async () => {
  let { ctx, page } = await open('admin', '/admin/pools');
  await page.locator('[data-testid=pool-admin-row][data-pool=上海公海] [data-testid=pool-edit]').click();
  await page.locator('[data-testid=pool-editor]').waitFor();
  // A bad number is refused, naming the field; nothing is saved.
  await page.fill('[data-testid=cfg-held]', '-5');
  await page.click('[data-testid=cfg-save]');
  await page.locator('[data-testid=action-error]').waitFor();
  assert.match(await page.locator('[data-testid=action-error]').innerText(), /每人最多持有客户数.*超出允许范围/);
  await page.fill('[data-testid=cfg-held]', '60');
  await page.selectOption('[data-testid=cfg-rule-field]', 'city');
  await page.fill('[data-testid=cfg-rule-value]', '苏州');
  await page.click('[data-testid=cfg-rule-add]');
  await page.click('[data-testid=cfg-save]');
  await page.locator('[data-testid=pool-saved]').waitFor();
  await page.locator('[data-testid=pool-admin-row][data-pool=上海公海]', { hasText: '苏州' }).waitFor();
  await ctx.close();

  // A Beijing rep puts a Suzhou customer straight into the pools: it lands in Shanghai's pool.
  ({ ctx, page } = await open('bj.sales2', '/customers'));
  await page.click('[data-testid=new-customer] summary');
  await page.fill('[data-testid=nc-name]', '苏州新客户有限公司');
  await page.fill('[data-testid=nc-city]', '苏州');
  await page.check('[data-testid=new-customer] input[type=checkbox]');
  await page.click('[data-testid=nc-submit]');
  await page.waitForURL(/\/customers\/\d+$/);
  await ctx.close();
  ({ ctx, page } = await open('sh.sales3', '/pools'));
  await page.locator('[data-testid=pool-row]', { hasText: '苏州新客户有限公司' }).waitFor();
  await ctx.close();
});

test('a branch manager assigns a pool customer to a rep', async () => {
  const { ctx, page } = await open('bj.manager', '/pools');
  const row = page.locator('[data-testid=pool-row]').first();
  await row.waitFor();
  const id = await row.getAttribute('data-id');
  const before = await page.locator('[data-testid=pool-row]').count();
  await chooseByText(page, `[data-testid=pool-row][data-id="${id}"] [data-testid=assign-to]`, '陈静');
  await page.locator(`[data-testid=pool-row][data-id="${id}"] [data-testid=assign]`).click();
  await page.locator('[data-testid=assigned]').waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=pool-row]').length === n, before - 1);
  await page.goto(`${env.server.base}/customers/${id}`);
  await page.locator('[data-testid=customer-owner]').waitFor();
  assert.equal(await page.locator('[data-testid=customer-owner]').innerText(), '陈静');
  await ctx.close();
});

test('a rep sees no assign control on the pool page', async () => {
  const { ctx, page } = await open('bj.sales1', '/pools');
  await page.locator('[data-testid=pool-row]').first().waitFor();
  assert.equal(await page.locator('[data-testid=assign]').count(), 0);
  await ctx.close();
});
