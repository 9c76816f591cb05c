// Administration in a real browser: an administrator creates a unit, moves a branch under it
// after previewing the impact, creates a user there with a role; that user signs in and sees
// exactly the customers the role allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, chooseByText } from './support.js';

const env = suite();


test('a new unit and user get exactly the access their role allows', async () => {
  const adminCtx = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const admin = await adminCtx.newPage();
  await signIn(admin, env.server.base, 'admin');
  await admin.waitForURL(`${env.server.base}/`);
  await admin.click('[data-testid=sidebar] [data-area=admin]');
  await admin.waitForURL(`${env.server.base}/admin`);
  await hydrated(admin);

  // A new unit under the head office.
  await admin.locator('[data-testid=unit-tree]').waitFor();
  await chooseByText(admin, '[data-testid=unit-parent]', '集团总部');
  await admin.selectOption('[data-testid=unit-kind]', 'subsidiary');
  await admin.fill('[data-testid=unit-name]', '华北大区');
  await admin.fill('[data-testid=unit-name-en]', 'North China');
  await admin.click('[data-testid=unit-create]');
  await admin.locator('[data-testid=unit-row][data-name=华北大区]').waitFor();

  // Move the Beijing branch under it: preview first, then confirm.
  await admin.locator('[data-testid=unit-row][data-name=北京分公司] [data-testid=unit-move]').click();
  await chooseByText(admin, '[data-testid=move-to]', '华北大区');
  await admin.click('[data-testid=move-preview]');
  const impact = admin.locator('[data-testid=impact]');
  await impact.waitFor();
  assert.match(await impact.innerText(), /影响预览/);
  await admin.click('[data-testid=move-confirm]');
  await admin.locator('[data-testid=impact]').waitFor({ state: 'detached' });

  // A user in the new unit with the branch manager role.
  await admin.click('[data-testid=tab-users]');
  await admin.waitForURL(`${env.server.base}/admin/users`);
  await admin.locator('[data-testid=new-user]').waitFor();
  await admin.fill('[data-testid=user-login]', 'hb.manager');
  await admin.fill('[data-testid=user-name]', '华北经理');
  await admin.fill('[data-testid=user-password]', 'north-china-1');
  await chooseByText(admin, '[data-testid=new-user] [data-testid=user-unit]', '华北大区');
  await admin.check('[data-testid=new-user] input[data-role=分公司经理]');
  await admin.click('[data-testid=user-create]');
  await admin.locator('[data-testid=user-row][data-login="hb.manager"]').waitFor();
  assert.equal(await admin.locator('[data-testid=action-error]').count(), 0);

  // The audit log shows what happened.
  await admin.click('[data-testid=tab-audit]');
  await admin.locator('[data-testid=audit-row]').first().waitFor();
  const audit = await admin.locator('[data-testid=audit-list]').innerText();
  assert.match(audit, /user #\d+\s+create/);
  assert.match(audit, /org_unit #\d+\s+move/);
  // Filtered to users: only user entries remain.
  await admin.selectOption('[data-testid=audit-entity]', 'user');
  await admin.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=audit-row] td:nth-child(3)')];
    return rows.length > 0 && rows.every((td) => td.textContent.includes('user #'));
  });
  await adminCtx.close();

  // The new user sees all of Beijing (now below their unit) and nothing else.
  const userCtx = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await userCtx.newPage();
  await signIn(page, env.server.base, 'hb.manager', 'north-china-1');
  await page.waitForURL(`${env.server.base}/`);
  await hydrated(page);
  assert.equal(await page.locator('[data-testid=sidebar] [data-area=admin]').count(), 0);
  await page.click('[data-testid=sidebar] [data-area=customers]');
  await page.waitForURL(`${env.server.base}/customers`);
  const count = page.locator('[data-testid=customer-count]');
  await count.waitFor();
  assert.equal(await count.innerText(), '共 90 个客户', 'all held Beijing customers (ten more wait in the pool)');
  await page.click('[data-testid=load-more]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=customer-row]').length === 90);
  const cities = await page.$$eval('[data-testid=customer-city]', (cells) => [...new Set(cells.map((c) => c.textContent))]);
  assert.deepEqual(cities, ['北京']);
  // The admin pages stay closed, even by address.
  await page.goto(`${env.server.base}/admin`);
  await page.locator('[data-testid=forbidden]').waitFor();
  await userCtx.close();
});

test('a sales rep sees only their own customers, on a phone as cards', async () => {
  const ctx = await env.browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await signIn(page, env.server.base, 'sh.sales2');
  await page.waitForURL(`${env.server.base}/`);
  await page.goto(`${env.server.base}/customers`);
  await hydrated(page);
  const rows = page.locator('[data-testid=customer-row]');
  await rows.first().waitFor();
  const n = await rows.count();
  assert.ok(n > 0);
  assert.match(await page.locator('[data-testid=customer-count]').innerText(), new RegExp(`^${n} customers$`));
  const owners = await page.$$eval('[data-testid=customer-row] [data-testid=customer-owner]', (cells) => [...new Set(cells.map((c) => c.innerText.replace(/^.*：/, '').trim()))]);
  assert.deepEqual(owners, ['孙强']);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
  assert.equal(await page.locator('table.records thead').isVisible(), false, 'cards, not a table');
  await ctx.close();
});

test('a role edit is previewed, saved, and applies on the next request', async () => {
  const ctx = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const rep = await ctx.newPage();
  await signIn(rep, env.server.base, 'bj.sales1');
  await rep.waitForURL(`${env.server.base}/`);
  await rep.goto(`${env.server.base}/customers`);
  const before = Number((await rep.locator('[data-testid=customer-count]').innerText()).match(/\d+/)[0]);

  const adminCtx = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const admin = await adminCtx.newPage();
  await signIn(admin, env.server.base, 'admin');
  await admin.waitForURL(`${env.server.base}/`);
  await admin.goto(`${env.server.base}/admin/roles`);
  await hydrated(admin);
  await admin.click('[data-testid=role-list] button[data-role=销售代表]');
  const cell = admin.locator('select[data-cell="customer.read"]');
  await cell.waitFor();
  assert.equal(await cell.inputValue(), 'own');
  await cell.selectOption('unit_and_below');
  await admin.click('[data-testid=role-preview]');
  const impact = admin.locator('[data-testid=impact]');
  await impact.waitFor();
  assert.match(await impact.innerText(), /涉及 6 名用户/);
  await admin.click('[data-testid=role-save]');
  await admin.locator('[data-testid=role-editor] [data-testid=saved]').waitFor();
  await adminCtx.close();

  // The rep's very next request sees the team's customers.
  await rep.reload();
  const after = Number((await rep.locator('[data-testid=customer-count]').innerText()).match(/\d+/)[0]);
  assert.ok(after > before, `${after} > ${before}`);
  await ctx.close();
});
