// Sales to cash in real browsers, two people in two contexts: a rep writes a contract from
// products of their lines, it is approved (manager, then finance) and signed, receivables
// appear; finance records a receipt with a double click and exactly one receipt exists; the
// rep's open contract page shows it without a reload. A rep of another branch is not offered the
// Beijing-only hardware line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs, chooseByText, hydrated, liveConnected } from './support.js';

const env = suite();

const live = (page) => liveConnected(page);

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

  // The rep also keeps the customer's 360 page open in a second tab.
  const customerHref = await rep.page.locator('a[href^="/customers/"]').first().getAttribute('href');
  const rep360 = await rep.ctx.newPage();
  await rep360.goto(`${env.server.base}${customerHref}`);
  await rep360.locator('[data-testid=customer-contract]', { hasText: '浏览器测试合同' }).waitFor();
  await live(rep360);

  // Finance records ¥20,000 with a double click on the form's button.
  const fin = await openAs(env, 'finance', new URL(url).pathname);
  // Catching up on live events reloads the page's data: let that settle before opening the form.
  await live(fin.page);
  await fin.page.waitForTimeout(1000);
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
  // And the customer's 360 page too.
  await rep360.locator('[data-testid=customer-contract]', { hasText: '浏览器测试合同' }).locator('[data-testid=customer-contract-received]', { hasText: '¥20,000.00' }).waitFor({ timeout: 10_000 });

  // The rep asks for an invoice; finance sees the request live and issues it; the rep sees that live.
  await rep.page.fill('[data-testid=invoice-amount]', '20000');
  await rep.page.click('[data-testid=request-invoice]');
  await fin.page.locator('[data-testid=invoice-row][data-state=requested]').waitFor({ timeout: 10_000 });
  await fin.page.fill('[data-testid=invoice-number]', 'FP-E2E-001');
  await fin.page.click('[data-testid=issue-invoice]');
  await rep.page.locator('[data-testid=invoice-row][data-state=issued]', { hasText: 'FP-E2E-001' }).waitFor({ timeout: 10_000 });

  // An over-payment is refused with what is still outstanding; nothing is recorded.
  await fin.page.reload();
  // A button clicked before the reloaded page hydrates does nothing.
  await hydrated(fin.page);
  await fin.page.locator('[data-testid=record-receipt]').first().click();
  await fin.page.fill('[data-testid=receipt-amount]', '30000');
  await fin.page.click('[data-testid=receipt-save]');
  await fin.page.locator('.form-error', { hasText: '¥28,000.00' }).waitFor();
  assert.equal(await fin.page.locator('[data-testid=receipt-row]').count(), 1);
  // The refused plan (422) and the refused over-payment (409) answer so on purpose; nothing else
  // may fail.
  assert.deepEqual(rep.errors.filter((e) => !e.includes('(Unprocessable Entity)')), []);
  assert.deepEqual(fin.errors.filter((e) => !e.includes('(Conflict)')), []);
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
  // Finance exports the overdue receivables as CSV: as many rows as the list shows, all overdue.
  const listed = await fin.page.locator('[data-testid=receivable-row]').count();
  const download = fin.page.waitForEvent('download');
  await fin.page.click('[data-testid=export-receivables]');
  const file = await download;
  assert.match(file.suggestedFilename(), /^receivables-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = (await (await import('node:fs/promises')).readFile(await file.path(), 'utf8')).replace(/^\uFEFF/, '');
  const lines = csv.trim().split(/\r\n/);
  assert.match(lines[0], /^合同,客户,期次,到期日,金额,已回款,未回款,币种,逾期/);
  assert.equal(lines.length - 1, listed, csv);
  assert.ok(lines.slice(1).every((l) => l.includes(',yes,')), csv);
  // Sales reps have no export grant: no button.
  await sh.page.waitForTimeout(500);
  assert.equal(await sh.page.locator('[data-testid=export-contracts]').count(), 0);
  assert.deepEqual(sh.errors, []);
  assert.deepEqual(fin.errors, []);
  await sh.ctx.close();
  await fin.ctx.close();
});

test('service opens a ticket on a customer, works it and resolves it; the manager sees breaches', async () => {
  const svc = await openAs(env, 'bj.service', '/tickets');
  await svc.page.locator('[data-testid=ticket-row]').first().waitFor();
  await svc.page.click('[data-testid=new-ticket]');
  await svc.page.locator('[data-testid=ticket-customer] option').nth(1).waitFor({ state: 'attached' });
  // Without a title the server refuses and the form keeps what was chosen.
  await svc.page.selectOption('[data-testid=ticket-customer]', { index: 1 });
  await svc.page.selectOption('[data-testid=ticket-category]', 'complaint');
  await svc.page.click('[data-testid=ticket-save]');
  await svc.page.locator('[data-testid=ticket-form] .form-error').waitFor();
  assert.equal(await svc.page.inputValue('[data-testid=ticket-category]'), 'complaint');
  await svc.page.fill('[data-testid=ticket-title]', '浏览器测试投诉');
  await svc.page.selectOption('[data-testid=ticket-priority]', 'urgent');
  await svc.page.click('[data-testid=ticket-save]');
  await svc.page.waitForURL(/\/tickets\/\d+$/);
  await svc.page.locator('[data-testid=ticket-status][data-status=open]').waitFor();
  await svc.page.click('[data-testid=ticket-start]');
  await svc.page.locator('[data-testid=ticket-status][data-status=in_progress]').waitFor();
  // Resolving needs a resolution.
  await svc.page.click('[data-testid=ticket-resolve]');
  await svc.page.locator('.form-error').first().waitFor();
  await svc.page.fill('[data-testid=ticket-resolution]', '已上门处理，客户确认');
  await svc.page.click('[data-testid=ticket-resolve]');
  await svc.page.locator('[data-testid=ticket-status][data-status=resolved]').waitFor();
  // The branch manager sees the demo's urgent fault past its SLA.
  const manager = await openAs(env, 'bj.manager', '/tickets');
  await manager.page.locator('[data-testid=ticket-row]', { hasText: '系统无法登录' }).locator('[data-testid=sla-breached]').waitFor();
  // The two refusals above answer 422 on purpose; nothing else may fail.
  assert.deepEqual(svc.errors.filter((e) => !e.includes('422')), []);
  assert.deepEqual(manager.errors, []);
  await svc.ctx.close();
  await manager.ctx.close();
});

test('a quote within the discount threshold is approved at once, prints alone and becomes a contract', async () => {
  const rep = await openAs(env, 'bj.sales1', '/quotes');
  await rep.page.click('[data-testid=new-quote]');
  const form = rep.page.locator('[data-testid=contract-form]');
  await form.locator('[data-testid=contract-customer] option').nth(1).waitFor({ state: 'attached' });
  await rep.page.selectOption('[data-testid=contract-customer]', { index: 1 });
  await rep.page.fill('[data-testid=contract-title]', '浏览器测试报价');
  await form.locator('[data-testid=line-product] option', { hasText: 'SW-IMPL' }).waitFor({ state: 'attached' });
  await chooseByText(rep.page, '[data-testid=line-product]', 'SW-IMPL');
  await rep.page.fill('[data-testid=line-qty]', '10');
  await rep.page.fill('[data-testid=line-discount]', '5');
  assert.equal(await rep.page.locator('[data-testid=instalment-amount]').isVisible(), false, 'a quote has no payment plan');
  await rep.page.click('[data-testid=contract-save]');
  await rep.page.waitForURL(/\/quotes\/\d+$/);
  await rep.page.locator('[data-testid=quote-state][data-state=draft]').waitFor();
  assert.match(await rep.page.locator('[data-testid=quote-total]').innerText(), /¥28,500\.00/);
  await rep.page.click('[data-testid=quote-submit]');
  await rep.page.locator('[data-testid=quote-state][data-state=approved]').waitFor();
  // Printed, only the quotation shows.
  await rep.page.emulateMedia({ media: 'print' });
  assert.equal(await rep.page.locator('[data-testid=sidebar]').isVisible(), false);
  assert.equal(await rep.page.locator('[data-testid=quote-to-contract]').isVisible(), false);
  assert.equal(await rep.page.locator('[data-testid=quote-document]').isVisible(), true);
  await rep.page.emulateMedia({ media: 'screen' });
  // It becomes a contract with the quoted amount.
  await rep.page.fill('[data-testid=quote-due]', inDays(20));
  await rep.page.click('[data-testid=quote-to-contract]');
  await rep.page.waitForURL(/\/contracts\/\d+$/);
  assert.match(await rep.page.locator('[data-testid=contract-amount]').innerText(), /¥28,500\.00/);
  assert.deepEqual(rep.errors, []);
  await rep.ctx.close();
});
