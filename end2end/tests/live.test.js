// Live updates in real browsers, two people in two browser contexts: a task assigned or a mention
// shows on the other's open page without a reload; missed events arrive after the network comes
// back; open lists and customer pages update in place without losing scroll or typing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, openAs, chooseByText, liveConnected } from './support.js';

const env = suite();

const open = (login, path, options) => openAs(env, login, path, options);

const live = (page) => liveConnected(page);

test('a task assigned by the manager shows on the rep\'s open page at once', async () => {
  const rep = await open('bj.sales1', '/customers');
  await live(rep.page);
  const manager = await open('bj.manager', '/tasks');
  await manager.page.click('[data-testid=task-tabs] [data-view=assigned]');
  await manager.page.click('[data-testid=new-task] summary');
  await manager.page.fill('[data-testid=task-title]', '周五前给华信报价');
  await chooseByText(manager.page, '[data-testid=task-assignee]', '张伟');
  await manager.page.click('[data-testid=task-submit]');
  await manager.page.locator('[data-testid=task-row]', { hasText: '周五前给华信报价' }).waitFor();
  await manager.page.uncheck('[data-testid=open-only]');

  const toast = rep.page.locator('[data-testid=toast]', { hasText: '周五前给华信报价' });
  await toast.waitFor({ timeout: 10_000 });
  assert.match(await toast.innerText(), /李建国 给您分配了任务/);
  assert.equal(await rep.page.locator('[data-testid=bell-count]').innerText(), '1');
  await rep.page.click('[data-testid=bell]');
  const item = rep.page.locator('[data-testid=notification][data-kind="task.assigned"]');
  await item.waitFor();
  await item.locator('a').click();
  await rep.page.waitForURL(/\/tasks\/\d+$/);
  await rep.page.locator('[data-testid=task-name]', { hasText: '周五前给华信报价' }).waitFor();
  await rep.page.waitForFunction(() => !document.querySelector('[data-testid=bell-count]'));
  // The rep reports it done; the manager's open task list follows.
  await rep.page.selectOption('[data-testid=task-status-pick]', 'done');
  await rep.page.click('[data-testid=task-report]');
  await manager.page.locator('[data-testid=toast]', { hasText: '周五前给华信报价' }).waitFor({ timeout: 10_000 });
  await manager.page.locator('[data-testid=task-row] [data-testid=task-status]', { hasText: '已完成' }).waitFor();
  await rep.ctx.close();
  await manager.ctx.close();
});

test('a mention notifies the colleague live; mentioning someone who may not see the customer is refused', async () => {
  const manager = await open('bj.manager', '/');
  await live(manager.page);
  const rep = await open('bj.sales2', '/customers');
  const id = await rep.page.locator('[data-testid=customer-row]').first().getAttribute('data-id');
  await rep.page.goto(`${env.server.base}/customers/${id}`);
  await hydrated(rep.page);
  // Someone in Shanghai cannot see this Beijing customer.
  await rep.page.locator('[data-testid=comment-body]').pressSequentially('请 @吴');
  await rep.page.locator('[data-testid=mention-option]', { hasText: '吴芳' }).click();
  await rep.page.locator('[data-testid=comment-body]').pressSequentially('看看');
  await rep.page.click('[data-testid=comment-submit]');
  const error = rep.page.locator('[data-testid=comments] [data-testid=action-error]');
  await error.waitFor();
  assert.equal(await error.innerText(), '吴芳 无权查看此记录，不能@TA。评论未发表。');
  assert.equal(await rep.page.locator('[data-testid=comment]').count(), 0);
  // The manager can.
  await rep.page.fill('[data-testid=comment-body]', '');
  await rep.page.locator('[data-testid=comment-body]').pressSequentially('@李建');
  await rep.page.locator('[data-testid=mention-option]', { hasText: '李建国' }).click();
  await rep.page.locator('[data-testid=comment-body]').pressSequentially('价格需要您审批');
  await rep.page.click('[data-testid=comment-submit]');
  await rep.page.locator('[data-testid=comment]', { hasText: '价格需要您审批' }).waitFor();
  const toast = manager.page.locator('[data-testid=toast]', { hasText: /刘洋 在评论中@了您/ });
  await toast.waitFor({ timeout: 10_000 });
  await toast.click();
  await manager.page.waitForURL(new RegExp(`/customers/${id}$`));
  await manager.page.locator('[data-testid=comment]', { hasText: '价格需要您审批' }).waitFor();
  await rep.ctx.close();
  await manager.ctx.close();
});

test('what happens while the connection is down arrives when it comes back', async () => {
  // The live socket goes through a switch: "down" drops it and refuses reconnects.
  const ctx = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  let down = false;
  const sockets = [];
  await ctx.routeWebSocket(/\/api\/live/, (ws) => {
    if (down) {
      ws.close();
      return;
    }
    ws.connectToServer();
    sockets.push(ws);
  });
  const page = await ctx.newPage();
  await signIn(page, env.server.base, 'bj.sales3');
  await page.waitForURL(`${env.server.base}/`);
  await hydrated(page);
  await live(page);
  const rep = { ctx, page };
  down = true;
  for (const ws of sockets) await ws.close();
  await rep.page.locator('[data-testid=live-status]').waitFor({ timeout: 15_000 });
  const manager = await open('bj.manager', '/tasks');
  await manager.page.click('[data-testid=task-tabs] [data-view=assigned]');
  await manager.page.click('[data-testid=new-task] summary');
  await manager.page.fill('[data-testid=task-title]', '断网期间分配的任务');
  await chooseByText(manager.page, '[data-testid=task-assignee]', '陈静');
  await manager.page.click('[data-testid=task-submit]');
  await manager.page.locator('[data-testid=task-row]', { hasText: '断网期间分配的任务' }).waitFor();
  down = false;
  await rep.page.locator('[data-testid=toast]', { hasText: '断网期间分配的任务' }).waitFor({ timeout: 40_000 });
  await rep.page.waitForFunction(() => !document.querySelector('[data-testid=live-status]'));
  assert.equal(await rep.page.locator('[data-testid=toast]', { hasText: '断网期间分配的任务' }).count(), 1, 'delivered once');
  await rep.ctx.close();
  await manager.ctx.close();
});

test('an open list and customer page update in place, keeping scroll and typing', async () => {
  const manager = await open('bj.manager', '/customers');
  await live(manager.page);
  const rows = manager.page.locator('[data-testid=customer-row]');
  const target = rows.nth(30);
  const id = await target.getAttribute('data-id');
  await target.scrollIntoViewIfNeeded();
  const scrolled = await manager.page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 0);
  // The owner changes the customer's city.
  const owner = await target.locator('[data-testid=customer-owner]').innerText();
  const login = { 张伟: 'bj.sales1', 刘洋: 'bj.sales2', 陈静: 'bj.sales3' }[owner];
  const rep = await open(login, `/customers/${id}`);
  await rep.page.click('[data-testid=edit-customer]');
  await rep.page.fill('[data-testid=edit-city]', '廊坊');
  await rep.page.click('[data-testid=save-customer]');
  await manager.page.locator(`[data-testid=customer-row][data-id="${id}"] [data-testid=customer-city]`, { hasText: '廊坊' }).waitFor({ timeout: 10_000 });
  assert.equal(await manager.page.evaluate(() => window.scrollY), scrolled, 'scroll kept');

  // On the customer page: an open edit form and a half-typed note survive a colleague's change.
  await manager.page.goto(`${env.server.base}/customers/${id}`);
  await hydrated(manager.page);
  await live(manager.page);
  await manager.page.fill('[data-testid=note-body]', '还没写完的备注');
  await manager.page.click('[data-testid=edit-customer]');
  await manager.page.fill('[data-testid=edit-address]', '正在输入的地址');
  await rep.page.fill('[data-testid=fu-note]', '客户来电');
  await rep.page.click('[data-testid=fu-submit]');
  await manager.page.locator('[data-testid=changed-meanwhile]').waitFor({ timeout: 10_000 });
  assert.equal(await manager.page.inputValue('[data-testid=edit-address]'), '正在输入的地址');
  assert.equal(await manager.page.inputValue('[data-testid=note-body]'), '还没写完的备注');
  // Once the edit is saved, the page shows the colleague's follow-up too.
  await manager.page.click('[data-testid=save-customer]');
  await manager.page.locator('[data-testid=timeline] li', { hasText: '客户来电' }).waitFor({ timeout: 10_000 });
  assert.equal(await manager.page.inputValue('[data-testid=note-body]'), '还没写完的备注');
  await rep.ctx.close();
  await manager.ctx.close();
});
