// Approval flows in a desktop browser: an administrator edits the expense flow in the designer
// (a typo in an amount is refused and kept), publishes version 2 and sees which running approvals
// stay on version 1; a request submitted afterwards runs on version 2 and follows its new rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs } from './support.js';

const env = suite();

test('an administrator publishes version 2 of a flow and a new request uses it', async () => {
  const admin = await openAs(env, 'admin', '/admin/approval-flows');
  const versions = admin.page.locator('[data-testid=flow-version]');
  await versions.first().waitFor();
  assert.equal(await versions.first().getAttribute('data-status'), 'published');
  assert.equal(await versions.first().getAttribute('data-version'), '1');

  // Start version 2 from version 1: finance is asked from ¥1,000 instead of ¥5,000.
  await admin.page.click('[data-testid=flow-edit]');
  const steps = admin.page.locator('[data-testid=flow-step]');
  await steps.nth(1).waitFor();
  assert.equal(await steps.count(), 2);
  const amount = steps.nth(1).locator('[data-testid=flow-branch] [data-testid=cond-value]');
  assert.equal(await amount.inputValue(), '5000');
  await steps.nth(1).locator('[data-testid=step-name]').fill('财务审批（¥1,000 以上）');

  // A typo is highlighted, blocks publishing, and is not lost.
  await amount.fill('1千');
  await admin.page.locator('[data-testid=flow-fix-inputs]').waitFor();
  assert.ok(await admin.page.locator('[data-testid=flow-publish]').isDisabled());
  assert.equal(await amount.inputValue(), '1千');
  await amount.fill('1000');
  await admin.page.locator('[data-testid=flow-fix-inputs]').waitFor({ state: 'detached' });

  await admin.page.click('[data-testid=flow-publish]');
  const report = admin.page.locator('[data-testid=flow-report]');
  await report.waitFor();
  assert.equal(await report.getAttribute('data-version'), '2');
  // The demo's running expense requests keep version 1.
  const staying = await report.locator('[data-testid=flow-staying]').allInnerTexts();
  assert.ok(staying.some((s) => s.includes('客户答谢宴请费用') && s.includes('v1')), staying.join(' | '));
  await admin.page.locator('[data-testid=flow-version][data-version="2"][data-status=published]').waitFor();
  await admin.page.locator('[data-testid=flow-version][data-version="1"][data-status=retired]').waitFor();

  // A rep submits a ¥2,000 request from the inbox: it runs on version 2.
  const rep = await openAs(env, 'bj.sales1', '/approvals');
  await rep.page.click('[data-testid=new-request]');
  await rep.page.fill('[data-testid=request-title]', '客户拜访差旅费');
  await rep.page.fill('[data-testid=request-amount]', '2000');
  await rep.page.click('[data-testid=request-submit]');
  await rep.page.locator('[data-testid=request-sent]').waitFor();
  const mine = rep.page.locator('[data-testid=approval-row]', { hasText: '客户拜访差旅费' });
  await mine.waitFor();
  const id = await mine.getAttribute('data-id');
  await mine.locator('.approval-summary').click();
  const card = mine.locator('[data-testid=approval-card]');
  await card.locator('[data-testid=approval-amount]').waitFor();
  assert.match(await card.innerText(), /流程版本 2/);

  // The manager approves; under version 1 that would have ended it, under version 2 finance is next.
  const manager = await openAs(env, 'bj.manager', `/approvals/${id}`);
  await manager.page.click('[data-testid=approve]');
  await manager.page.waitForFunction(() => /第 2\/2 步/.test(document.querySelector('[data-testid=approval-card]')?.innerText ?? ''));
  assert.equal(await manager.page.locator('[data-testid=approval-state]').getAttribute('data-state'), 'pending');
  assert.deepEqual(admin.errors, []);
  assert.deepEqual(rep.errors, []);
  assert.deepEqual(manager.errors, []);
  await admin.ctx.close();
  await rep.ctx.close();
  await manager.ctx.close();
});

test('a bad amount in a request is refused with a message and what was typed stays', async () => {
  const rep = await openAs(env, 'bj.sales1', '/approvals');
  await rep.page.click('[data-testid=new-request]');
  await rep.page.fill('[data-testid=request-title]', '展会物料');
  await rep.page.fill('[data-testid=request-amount]', '两千');
  await rep.page.click('[data-testid=request-submit]');
  await rep.page.locator('[data-testid=request-form] .form-error').waitFor();
  assert.equal(await rep.page.inputValue('[data-testid=request-amount]'), '两千');
  assert.equal(await rep.page.inputValue('[data-testid=request-title]'), '展会物料');
  // Nothing was submitted.
  await rep.page.click('[data-testid=approval-tabs] [data-folder=submitted]');
  await rep.page.locator('[data-testid=approval-row]').first().waitFor();
  assert.equal(await rep.page.locator('[data-testid=approval-row]', { hasText: '展会物料' }).count(), 0);
  assert.deepEqual(rep.errors, []);
  await rep.ctx.close();
});

test('an approver delegates to a colleague found by name, who then sees it waiting', async () => {
  const manager = await openAs(env, 'bj.manager', '/approvals');
  const row = manager.page.locator('[data-testid=approval-row]', { hasText: '设备报价' });
  await row.waitFor();
  await row.locator('.approval-summary').click();
  const card = row.locator('[data-testid=approval-card]');
  await card.locator('[data-testid=approval-more-actions] summary').click();
  await card.locator('[data-testid=delegate-search]').fill('王志远');
  const candidate = card.locator('[data-testid=delegate-candidates] button').first();
  await candidate.waitFor();
  assert.match(await candidate.innerText(), /王志远/);
  await candidate.click();
  await card.locator('[data-testid=delegate]').click();
  await row.waitFor({ state: 'detached' });

  const colleague = await openAs(env, 'ceo', '/approvals');
  await colleague.page.locator('[data-testid=approval-row]', { hasText: '设备报价' }).waitFor();
  assert.deepEqual(manager.errors, []);
  assert.deepEqual(colleague.errors, []);
  await manager.ctx.close();
  await colleague.ctx.close();
});
