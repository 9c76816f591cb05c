// Approvals in real browsers: a manager decides on a phone from the inbox in two taps and the
// submitter's open page shows the result without a reload; the inbox badge follows; a rejection
// needs a reason; the inbox folders show each side's view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs, liveConnected } from './support.js';

const env = suite();

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const live = (page) => liveConnected(page);

const badge = (page) => page.locator('[data-testid=sidebar] [data-testid=approvals-badge], [data-testid=bottom-nav] [data-testid=approvals-badge]').first();

test('a manager approves on a phone in two taps; the submitter sees it live', async () => {
  const manager = await openAs(env, 'bj.manager', '/approvals', phone);
  const row = manager.page.locator('[data-testid=approval-row]', { hasText: '客户答谢宴请费用' });
  await row.waitFor();
  const id = await row.getAttribute('data-id');
  assert.equal(await badge(manager.page).innerText(), '4');
  assert.ok(await manager.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');

  // The submitter keeps the approval's page open.
  const rep = await openAs(env, 'bj.sales1', `/approvals/${id}`);
  const state = rep.page.locator('[data-testid=approval-state]');
  await state.waitFor();
  assert.equal(await state.getAttribute('data-state'), 'pending');
  await live(rep.page);
  await live(manager.page);

  // Tap 1: the row opens its card with the key figures. Tap 2: approve.
  await row.locator('.approval-summary').tap();
  const card = row.locator('[data-testid=approval-card]');
  await card.locator('[data-testid=approval-amount]').waitFor();
  assert.match(await card.locator('[data-testid=approval-amount]').innerText(), /¥3,200\.00/);
  await card.locator('[data-testid=approve]').tap();

  // Small expenses need the manager only: the request is approved, live on the submitter's page.
  await rep.page.waitForFunction(() => document.querySelector('[data-testid=approval-state]')?.dataset.state === 'approved', null, { timeout: 10_000 });
  assert.match(await rep.page.locator('[data-testid=approval-history]').innerText(), /李建国/);
  // The manager's waiting folder and badge drop it without a reload.
  await row.waitFor({ state: 'detached' });
  await manager.page.waitForFunction(() => document.querySelector('[data-testid=approvals-badge]')?.innerText === '3');
  // And it shows under "decided by me".
  await manager.page.click('[data-testid=approval-tabs] [data-folder=decided]');
  await manager.page.locator('[data-testid=approval-row]', { hasText: '客户答谢宴请费用' }).waitFor();
  assert.deepEqual(manager.errors, []);
  assert.deepEqual(rep.errors, []);
  await manager.ctx.close();
  await rep.ctx.close();
});

test('a rejection needs a reason; the submitter cannot decide their own request', async () => {
  const manager = await openAs(env, 'bj.manager', '/approvals');
  const row = manager.page.locator('[data-testid=approval-row]', { hasText: '设备报价' });
  await row.waitFor();
  await row.locator('.approval-summary').click();
  const card = row.locator('[data-testid=approval-card]');
  await card.locator('[data-testid=reject]').click();
  await card.locator('[data-testid=confirm-reject]').click();
  // Refused with a clear message, nothing changed.
  await manager.page.locator('.form-error', { hasText: /原因/ }).first().waitFor();
  assert.ok(await row.isVisible());
  await card.locator('[data-testid=reject-reason]').fill('折扣超出授权，请重新报价');
  await card.locator('[data-testid=confirm-reject]').click();
  await row.waitFor({ state: 'detached' });

  // The submitter sees it rejected with the reason, and has no decision buttons on their own.
  const rep = await openAs(env, 'bj.sales1', '/approvals');
  await rep.page.click('[data-testid=approval-tabs] [data-folder=submitted]');
  const mine = rep.page.locator('[data-testid=approval-row]', { hasText: '设备报价' });
  await mine.waitFor();
  await mine.locator('.approval-summary').click();
  const myCard = mine.locator('[data-testid=approval-card]');
  await myCard.locator('[data-testid=approval-state][data-state=rejected]').waitFor();
  assert.match(await myCard.innerText(), /折扣超出授权/);
  assert.equal(await myCard.locator('[data-testid=approve]').count(), 0);
  assert.deepEqual(manager.errors.filter((e) => !/422|Unprocessable/.test(e)), []);
  await manager.ctx.close();
  await rep.ctx.close();
});
