// Leads in a real browser, desktop and phone: a rep captures a lead and follows it up; a manager
// imports a CSV file (Chinese headers) and sees the rows handed out by region; a rep converts a
// lead and goes on to the new customer; without the rights there are no buttons, and forged
// server-function calls are refused and change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, chooseByText, watchErrors } from './support.js';

const env = suite();
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function leadsPage(login, options = DESKTOP) {
  const ctx = await env.browser.newContext({ locale: 'zh-CN', ...options });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, env.server.base, login);
  await page.waitForURL(`${env.server.base}/`);
  await page.goto(`${env.server.base}/leads`);
  await hydrated(page);
  await page.locator('[data-testid=lead-list]').waitFor();
  return { ctx, page, errors };
}

/** Captures a lead kept by the signed-in user and waits for its page. */
async function captureLead(page, { name, company, phone }) {
  await page.locator('[data-testid=new-lead] summary').click();
  await page.fill('[data-testid=nl-name]', name);
  await page.fill('[data-testid=nl-company]', company);
  await page.fill('[data-testid=nl-phone]', phone);
  await page.fill('[data-testid=nl-province]', '北京');
  await page.click('[data-testid=nl-submit]');
  await page.waitForURL(/\/leads\/\d+$/);
  await page.locator('[data-testid=lead-name]').waitFor();
}

const noSidewaysScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

for (const [label, login, options] of [
  ['desktop', 'bj.sales1', DESKTOP],
  ['phone', 'sh.sales2', PHONE],
]) {
  test(`a rep captures a lead and logs a follow-up (${label})`, async () => {
    const { ctx, page, errors } = await leadsPage(login, options);
    const before = await page.locator('[data-testid=lead-row]').count();
    await captureLead(page, { name: `测试联系人${label}`, company: `测试线索${label}有限公司`, phone: label === 'phone' ? '136 0000 0002' : '136 0000 0001' });
    assert.equal(await page.locator('[data-testid=lead-name]').innerText(), `测试联系人${label}`);
    assert.equal(await page.locator('[data-testid=lead-status]').getAttribute('data-status'), 'assigned');
    await page.fill('[data-testid=lfu-note]', '电话沟通，约下周演示');
    await page.click('[data-testid=lfu-submit]');
    await page.locator('[data-testid=lead-timeline] li[data-kind=call]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=lead-status]')?.dataset.status === 'following');
    assert.match(await page.locator('[data-testid=lead-timeline]').innerText(), /电话沟通，约下周演示/);
    // Reloaded (server-rendered), it is still there.
    await page.reload();
    await hydrated(page);
    assert.equal(await page.locator('[data-testid=lead-status]').getAttribute('data-status'), 'following');
    // Back on the list: one more lead, and the rep's follow-up count includes it.
    await page.locator('[data-testid=back-to-leads]').click();
    await page.waitForURL(`${env.server.base}/leads`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=lead-row]').length === n, before + 1);
    const stats = page.locator('[data-testid=stats-row]');
    assert.equal(await stats.count(), 1, 'a rep sees only their own numbers');
    assert.equal(await stats.locator('[data-testid=stats-followed]').innerText(), '2', 'one demo lead and this one');
    if (label === 'phone') {
      assert.equal(await page.locator('[data-testid=lead-list] thead').evaluate((el) => getComputedStyle(el).display), 'none', 'cards on a phone');
      assert.ok(await noSidewaysScroll(page), 'no sideways scroll');
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}

const CSV = [
  '姓名,公司,职务,电话,邮箱,省份,城市,来源,备注',
  '导入甲,北京导入甲科技有限公司,经理,13500000001,,北京,北京,展会,"需要报价, 尽快"',
  '导入乙,上海导入乙贸易有限公司,,13500000002,,上海市,上海,官网,"两行\n备注"',
  '导入丙,,,13500000001,,北京,北京,,与第一行同号',
  '导入丁,,,,not-an-email,北京,北京,,',
].join('\n');

test('a manager imports a CSV file with Chinese headers and sees the rows assigned by region', async () => {
  const { ctx, page, errors } = await leadsPage('bj.manager');
  await page.locator('[data-testid=lead-import] summary').click();
  await page.setInputFiles('[data-testid=import-file]', { name: '线索.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  const preview = page.locator('[data-testid=import-preview]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=import-preview]').disabled);
  await preview.click();
  await page.locator('[data-testid=import-summary][data-dry-run=true]').waitFor();
  const rows = page.locator('[data-testid=import-row]');
  assert.equal(await rows.count(), 4);
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.outcome)), ['created', 'created', 'duplicate', 'invalid']);
  assert.match(await rows.nth(0).locator('[data-testid=import-outcome]').innerText(), /将分配给 (李建国|张伟|刘洋|陈静)（北京/);
  assert.match(await rows.nth(1).locator('[data-testid=import-outcome]').innerText(), /将分配给 (周敏|吴芳|孙强|马丽)（上海/);
  assert.match(await rows.nth(2).locator('[data-testid=import-outcome]').innerText(), /电话与第 2 行重复/);
  assert.match(await rows.nth(3).locator('[data-testid=import-outcome]').innerText(), /邮箱: 格式不正确/);
  // Nothing saved by the preview.
  const count = await page.locator('[data-testid=lead-count]').innerText();
  await page.locator('[data-testid=filter-text]').fill('导入');
  await page.click('[data-testid=filter-apply]');
  await page.waitForFunction(() => document.querySelector('[data-testid=lead-count]')?.textContent === '共 0 条线索');

  await page.click('[data-testid=import-run]');
  await page.locator('[data-testid=import-summary][data-dry-run=false]').waitFor();
  assert.match(await page.locator('[data-testid=import-summary]').innerText(), /已导入 2 条/);
  // The Beijing row is the manager's to see, with its owner; the Shanghai one went to Shanghai.
  await page.waitForFunction(() => document.querySelector('[data-testid=lead-count]')?.textContent === '共 1 条线索');
  const row = page.locator('[data-testid=lead-row]');
  assert.match(await row.innerText(), /北京导入甲科技有限公司/);
  assert.match(await row.locator('[data-testid=lead-owner]').innerText(), /李建国|张伟|刘洋|陈静/);
  assert.notEqual(count, '共 0 条线索');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a rep converts a lead with an opportunity and goes on to the new customer', async () => {
  const { ctx, page, errors } = await leadsPage('bj.sales2');
  await captureLead(page, { name: '转化测试人', company: '北京转化测试有限公司', phone: '136 0000 0009' });
  await page.fill('[data-testid=convert-opportunity]', '首批采购');
  await page.fill('[data-testid=convert-amount]', '12,000.50');
  await page.click('[data-testid=convert-submit]');
  const link = page.locator('[data-testid=converted-customer]');
  await link.waitFor();
  assert.equal(await page.locator('[data-testid=lead-status]').getAttribute('data-status'), 'converted');
  assert.equal(await page.locator('[data-testid=convert-form]').count(), 0, 'no second conversion');
  await link.click();
  await page.waitForURL(/\/customers\/\d+$/);
  await page.locator('[data-testid=customer-name]').waitFor();
  assert.equal(await page.locator('[data-testid=customer-name]').innerText(), '北京转化测试有限公司');
  assert.match(await page.locator('[data-testid=contacts]').innerText(), /转化测试人/);
  assert.equal(await page.locator('[data-testid=customer-owner]').innerText(), '刘洋');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('without the rights: no convert or assign buttons, and forged calls are refused and change nothing', async () => {
  // The group executive may read every lead but change none.
  const { ctx, page, errors } = await leadsPage('ceo');
  const row = page.locator('[data-testid=lead-row]').filter({ hasText: '张伟' }).first();
  const href = await row.locator('td.name a').getAttribute('href');
  const id = href.split('/').pop();
  await page.goto(`${env.server.base}${href}`);
  await hydrated(page);
  const status = await page.locator('[data-testid=lead-status]').getAttribute('data-status');
  for (const form of ['convert-form', 'assign-form', 'disqualify-form', 'lead-follow-up-form']) {
    assert.equal(await page.locator(`[data-testid=${form}]`).count(), 0, form);
  }
  assert.deepEqual(errors, [], 'the page itself hydrates cleanly');
  const post = (path, body) => page.evaluate(async ([p, b]) => {
    const res = await fetch(p, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: b });
    return res.status;
  }, [path, body]);
  assert.equal(await post('/api/leads/convert', `id=${id}&opportunity=&amount=`), 403);
  assert.equal(await post('/api/leads/disqualify', `id=${id}&reason=x`), 403);
  assert.equal(await post('/api/leads/assign', `id=${id}&owner=1`), 403);
  await page.reload();
  await hydrated(page);
  assert.equal(await page.locator('[data-testid=lead-status]').getAttribute('data-status'), status, 'unchanged');
  await ctx.close();

  // A rep of the other branch does not even learn that the lead exists.
  const other = await leadsPage('sh.sales1');
  assert.equal(await other.page.evaluate(async (lead) => {
    const res = await fetch('/api/leads/convert', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `id=${lead}&opportunity=&amount=` });
    return res.status;
  }, id), 404);
  await other.page.goto(`${env.server.base}/leads/${id}`);
  await hydrated(other.page);
  await other.page.locator('[data-testid=lead-missing]').waitFor();
  // A rep sees no assign form on their own lead, and no rules link.
  const mine = await leadsPage('bj.sales1');
  assert.equal(await mine.page.locator('[data-testid=to-rules]').count(), 0);
  await mine.page.locator('[data-testid=lead-row] td.name a').first().click();
  await mine.page.locator('[data-testid=lead-follow-up-form]').waitFor();
  assert.equal(await mine.page.locator('[data-testid=assign-form]').count(), 0);
  assert.equal(await mine.page.locator('[data-testid=convert-form]').count(), 1, 'but may convert it');
  await other.ctx.close();
  await mine.ctx.close();
});

test('a manager assigns a lead within the branch; the administrator edits the rules', async () => {
  const { ctx, page, errors } = await leadsPage('bj.manager');
  await page.selectOption('[data-testid=filter-owner]', 'none');
  await page.click('[data-testid=filter-apply]');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=lead-row]')];
    return rows.length > 0 && rows.every((r) => r.dataset.status === 'new');
  });
  await page.locator('[data-testid=lead-row] td.name a').first().click();
  await page.locator('[data-testid=assign-form]').waitFor();
  const choices = await page.$eval('[data-testid=assign-owner]', (el) => [...el.options].map((o) => o.textContent));
  assert.ok(!choices.some((c) => /周敏|吴芳|孙强|马丽|赵磊/.test(c)), `only Beijing people who may own leads: ${choices}`);
  await chooseByText(page, '[data-testid=assign-owner]', '陈静');
  await page.click('[data-testid=assign-submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=lead-owner]')?.textContent === '陈静');
  assert.equal(await page.locator('[data-testid=lead-status]').getAttribute('data-status'), 'assigned');
  assert.deepEqual(errors, []);
  await ctx.close();

  const admin = await leadsPage('admin');
  await admin.page.click('[data-testid=to-rules]');
  await admin.page.waitForURL(`${env.server.base}/leads/rules`);
  await admin.page.locator('[data-testid=rule-row]').first().waitFor();
  assert.equal(await admin.page.locator('[data-testid=rule-row]').count(), 2);
  await admin.page.fill('[data-testid=rule-name]', '官网线索');
  await admin.page.selectOption('[data-testid=rule-field]', 'source');
  await admin.page.fill('[data-testid=rule-value]', '官网');
  await chooseByText(admin.page, '[data-testid=rule-unit]', '上海分公司');
  await admin.page.fill('[data-testid=rule-priority]', '5');
  await admin.page.click('[data-testid=rule-save]');
  await admin.page.waitForFunction(() => document.querySelectorAll('[data-testid=rule-row]').length === 3);
  assert.match(await admin.page.locator('[data-testid=rule-row]').first().innerText(), /官网线索/);
  assert.deepEqual(admin.errors, []);
  // Bad input: a clear message (the refused call is the only console error).
  await admin.page.fill('[data-testid=rule-name]', '空值');
  await admin.page.fill('[data-testid=rule-value]', '');
  await chooseByText(admin.page, '[data-testid=rule-unit]', '北京分公司');
  await admin.page.click('[data-testid=rule-save]');
  await admin.page.locator('[data-testid=action-error]').waitFor();
  assert.equal(await admin.page.locator('[data-testid=action-error]').innerText(), '匹配值: 必填');
  assert.deepEqual(admin.errors, ['Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  await admin.ctx.close();

  // Not for a manager.
  const manager = await leadsPage('bj.manager');
  await manager.page.goto(`${env.server.base}/leads/rules`);
  await hydrated(manager.page);
  await manager.page.locator('[data-testid=rules-error]').waitFor();
  await manager.ctx.close();
});
