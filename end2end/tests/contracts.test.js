// Sales to cash in real browsers, two people in two contexts: a rep writes a contract from
// products of their lines, it is approved (manager, then finance) and signed, receivables
// appear; finance records a receipt with a double click and exactly one receipt exists; the
// rep's open contract page shows it without a reload. A rep of another branch is not offered the
// Beijing-only hardware line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs, chooseByText } from './support.js';

const env = suite();

/** Waits until the page's live connection is up (the server greeted it). */
async function live(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid=live-status]'));
  await page.waitForTimeout(300);
}

function inDays(n) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

async function approveInInbox(env, login, title) {
  const who = await openAs(env, login, '/approvals');
  const row = who.page.locator('[data-testid=approval-row]', { hasText: title });
  await row.waitFor();
  await row.locator('.approval-summary').click();
  await row.locator('[data-testid=approval-card] [data-testid=approve]').click();
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(who.errors, []);
  await who.ctx.close();
}

test('a contract is approved, signed and paid; the rep sees the receipt live', async () => {
  const rep = await openAs(env, 'bj.sales1', '/contracts');
  await rep.page.click('[data-testid=new-contract]');
  const form = rep.page.locator('[data-testid=contract-form]');
  await form.locator('[data-testid=contract-customer] option').nth(1).waitFor({ state: 'attached' });
  await rep.page.selectOption('[data-testid=contract-customer]', { index: 1 });
  await rep.page.fill('[data-testid=contract-title]', '浏览器测试合同');
  await form.locator('[data-testid=line-product] option', { hasText: 'SW-CRM' }).waitFor({ state: 'attached' });
  await chooseByText(rep.page, '[data-testid=line-product]', 'SW-CRM');
  await rep.page.fill('[data-testid=line-qty]', '1');
  await rep.page.fill('[data-testid=instalment-date]', inDays(30));
  // A plan that does not add up is refused and what was typed stays.
  await rep.page.fill('[data-testid=instalment-amount]', '40000');
  await rep.page.click('[data-testid=contract-save]');
  await form.locator('.form-error', { hasText: '合同金额' }).waitFor();
  assert.equal(await rep.page.inputValue('[data-testid=contract-title]'), '浏览器测试合同');
  await rep.page.fill('[data-testid=instalment-amount]', '48000');
  await rep.page.click('[data-testid=contract-save]');
  await rep.page.waitForURL(/\/contracts\/\d+$/);
  const url = rep.page.url();
  await rep.page.locator('[data-testid=contract-submit]').click();
  await rep.page.locator('[data-testid=contract-state]', { hasText: '审批中' }).waitFor();
  await live(rep.page);

  // The manager, then finance, approve; the rep's page follows live.
  await approveInInbox(env, 'bj.manager', '浏览器测试合同');
  await approveInInbox(env, 'finance', '浏览器测试合同');
  await rep.page.locator('[data-testid=contract-state]', { hasText: '已批准' }).waitFor({ timeout: 10_000 });
  await rep.page.click('[data-testid=contract-sign]');
  await rep.page.locator('[data-testid=contract-state]', { hasText: '已签订' }).waitFor();
  await rep.page.locator('[data-testid=receivable-row]').first().waitFor();
  assert.equal(await rep.page.locator('[data-testid=receivable-row]').count(), 1);
  assert.equal(await rep.page.locator('[data-testid=receipt-row]').count(), 0);
  assert.equal(await rep.page.locator('[data-testid=record-receipt]').count(), 0, 'sales do not record receipts');

  // Finance records ¥20,000 with a double click on the form's button.
  const fin = await openAs(env, 'finance', new URL(url).pathname);
  await fin.page.locator('[data-testid=record-receipt]').first().click();
  await fin.page.fill('[data-testid=receipt-amount]', '20000');
  await fin.page.fill('[data-testid=receipt-reference]', 'E2E-001');
  await fin.page.dblclick('[data-testid=receipt-save]');
  await fin.page.locator('[data-testid=receipt-outcome]').waitFor();
  await fin.page.locator('[data-testid=receipt-row]').first().waitFor();
  await fin.page.waitForTimeout(1000);
  assert.equal(await fin.page.locator('[data-testid=receipt-row]').count(), 1, 'one receipt');

  // The rep's page shows it without a reload.
  await rep.page.locator('[data-testid=receipt-row]').first().waitFor({ timeout: 10_000 });
  assert.equal(await rep.page.locator('[data-testid=receipt-row]').count(), 1);
  assert.match(await rep.page.locator('[data-testid=contract-received]').innerText(), /¥20,000\.00/);
  assert.match(await rep.page.locator('[data-testid=receivable-outstanding]').first().innerText(), /¥28,000\.00/);

  // An over-payment is refused with what is still outstanding; nothing is recorded.
  await fin.page.reload();
  await fin.page.locator('[data-testid=record-receipt]').first().click();
  await fin.page.fill('[data-testid=receipt-amount]', '30000');
  await fin.page.click('[data-testid=receipt-save]');
  await fin.page.locator('.form-error', { hasText: '¥28,000.00' }).waitFor();
  assert.equal(await fin.page.locator('[data-testid=receipt-row]').count(), 1);
  assert.deepEqual(rep.errors, []);
  assert.deepEqual(fin.errors, []);
  await rep.ctx.close();
  await fin.ctx.close();
});

test('a Shanghai rep is offered only the lines Shanghai sells', async () => {
  const sh = await openAs(env, 'sh.sales1', '/contracts');
  await sh.page.click('[data-testid=new-contract]');
  await sh.page.locator('[data-testid=line-product] option', { hasText: 'SW-CRM' }).waitFor({ state: 'attached' });
  const options = await sh.page.$$eval('[data-testid=line-product] option', (os) => os.map((o) => o.textContent));
  assert.ok(!options.some((o) => o.includes('HW-')), `no hardware: ${options}`);
  // Finance's receivables tab lists the overdue demo receivables.
  const fin = await openAs(env, 'finance', '/contracts');
  await fin.page.click('[data-testid=tab-receivables]');
  await fin.page.check('[data-testid=overdue-only]');
  await fin.page.locator('[data-testid=receivable-row] [data-testid=overdue]').first().waitFor();
  assert.match(await fin.page.locator('[data-testid=receivable-totals]').innerText(), /¥/);
  assert.deepEqual(sh.errors, []);
  assert.deepEqual(fin.errors, []);
  await sh.ctx.close();
  await fin.ctx.close();
});
