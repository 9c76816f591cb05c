// Customers in a real browser, desktop and phone: create one, log a follow-up, see it on the
// customer's page; a duplicate is refused with whom to ask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, chooseByText } from './support.js';

const env = suite();

for (const [label, login, options] of [
  ['desktop', 'bj.sales1', { viewport: { width: 1280, height: 900 } }],
  ['phone', 'sh.sales2', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
]) {
  test(`create a customer, log a follow-up and see it on the customer page (${label})`, async () => {
    const ctx = await env.browser.newContext({ locale: 'zh-CN', ...options });
    const page = await ctx.newPage();
    await signIn(page, env.server.base, login);
    await page.waitForURL(`${env.server.base}/`);
    await page.goto(`${env.server.base}/customers`);
    await hydrated(page);
    await page.click('[data-testid=new-customer] summary');
    const name = `测试客户${label}有限公司`;
    await page.fill('[data-testid=nc-name]', name);
    await page.fill('[data-testid=nc-phone]', label === 'phone' ? '137 0000 0002' : '137 0000 0001');
    await page.fill('[data-testid=nc-city]', '北京');
    await page.click('[data-testid=nc-submit]');
    await page.waitForURL(/\/customers\/\d+$/);
    await page.locator('[data-testid=customer-name]').waitFor();
    assert.equal(await page.locator('[data-testid=customer-name]').innerText(), name);

    await page.fill('[data-testid=fu-note]', '电话沟通需求，下周拜访');
    await page.click('[data-testid=fu-submit]');
    const first = page.locator('[data-testid=timeline] li').first();
    await page.waitForFunction(() => document.querySelector('[data-testid=timeline] li')?.dataset.kind === 'follow_up:call');
    assert.match(await first.innerText(), /电话沟通需求，下周拜访/);
    // Reloaded, it is still there, under the creation.
    await page.reload();
    await page.locator('[data-testid=timeline] li[data-kind="follow_up:call"]').waitFor();
    await page.locator('[data-testid=timeline] li[data-kind=create]').waitFor();
    if (label === 'phone') {
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
    }
    await ctx.close();
  });
}

test('a duplicate in another branch is refused, naming whom to ask and nothing more', async () => {
  const ctx = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, env.server.base, 'sh.sales1');
  await page.waitForURL(`${env.server.base}/`);
  await page.goto(`${env.server.base}/customers`);
  await hydrated(page);
  await page.click('[data-testid=new-customer] summary');
  await page.fill('[data-testid=nc-name]', '测试客户desktop有限公司');
  await page.click('[data-testid=nc-submit]');
  const error = page.locator('[data-testid=action-error]');
  await error.waitFor();
  assert.equal(await error.innerText(), '集团内已有同名或同电话的客户，请联系 张伟（北京销售一组）。');
  assert.equal(await page.locator('[data-testid=open-existing]').count(), 0, 'no way into a record they may not read');
  await ctx.close();
});

test('the customer list filters by level and by name, within what the user may see', async () => {
  const ctx = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, env.server.base, 'bj.manager');
  await page.waitForURL(`${env.server.base}/`);
  await page.goto(`${env.server.base}/customers`);
  await hydrated(page);
  await page.click('[data-testid=more-filters-toggle]');
  await page.selectOption('[data-testid=filter-level]', 'A');
  await page.click('[data-testid=filter-apply]');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=customer-row] [data-testid=customer-level]')];
    return rows.length > 0 && rows.every((td) => td.textContent === 'A');
  });
  const rows = await page.locator('[data-testid=customer-row]').count();
  assert.equal(await page.locator('[data-testid=customer-count]').innerText(), `共 ${rows} 个客户`);
  // A Shanghai customer's name finds nothing for a Beijing manager.
  await page.selectOption('[data-testid=filter-level]', '');
  await page.fill('[data-testid=filter-text]', '上海');
  await page.click('[data-testid=filter-apply]');
  await page.waitForFunction(() => document.querySelector('[data-testid=customer-count]')?.textContent === '共 0 个客户');
  await ctx.close();
});
