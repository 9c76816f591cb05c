// The sales and service lists follow the customer list's conventions in a real browser: filters
// narrow the rows, a saved view restores its filter after a reload and is deleted again, rows turn
// into cards on a phone; an administrator sets a branch's own price and its teams sell at it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs, chooseByText } from './support.js';

const env = suite();

/** Waits until the list has reloaded after a filter change. */
async function settled(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(200);
}

test('finance filters the receivables, saves the view and gets it back after a reload', async () => {
  const fin = await openAs(env, 'finance', '/contracts');
  await fin.page.click('[data-testid=tab-receivables]');
  await fin.page.locator('[data-testid=receivable-row]').first().waitFor();
  const all = await fin.page.locator('[data-testid=receivable-row]').count();
  // Overdue only: fewer rows, each marked overdue.
  await fin.page.check('[data-testid=overdue-only]');
  await settled(fin.page);
  const overdue = fin.page.locator('[data-testid=receivable-row]');
  const n = await overdue.count();
  assert.ok(n > 0 && n < all, `overdue ${n} of ${all}`);
  assert.equal(await fin.page.locator('[data-testid=receivable-row] [data-testid=overdue]').count(), n);
  // Searching a contract's number keeps only its instalments.
  const number = (await overdue.first().locator('td').first().locator('a').innerText()).trim();
  await fin.page.fill('[data-testid=receivable-search]', number);
  await fin.page.press('[data-testid=receivable-search]', 'Enter');
  await settled(fin.page);
  const found = await fin.page.locator('[data-testid=receivable-row]').allInnerTexts();
  assert.ok(found.length > 0 && found.every((t) => t.includes(number)), found.join(' | '));

  // Saved under a name, the view survives a reload and brings the filter back.
  await fin.page.fill('[data-testid=view-name]', '逾期回款');
  await fin.page.click('[data-testid=view-save]');
  await fin.page.locator('[data-testid=view-chip]', { hasText: '逾期回款' }).waitFor();
  await fin.page.reload();
  await fin.page.waitForSelector('body[data-hydrated="true"]');
  await fin.page.click('[data-testid=tab-receivables]');
  await fin.page.locator('[data-testid=view-chip]', { hasText: '逾期回款' }).waitFor();
  await settled(fin.page);
  assert.equal(await fin.page.isChecked('[data-testid=overdue-only]'), false, 'a reload starts from the default filter');
  await chooseByText(fin.page, '[data-testid=view-pick]', '逾期回款');
  await settled(fin.page);
  assert.equal(await fin.page.isChecked('[data-testid=overdue-only]'), true);
  assert.equal(await fin.page.inputValue('[data-testid=receivable-search]'), number);
  assert.equal(await fin.page.locator('[data-testid=receivable-row]').count(), found.length);

  // Another person does not see it; deleting it removes it.
  const manager = await openAs(env, 'bj.manager', '/contracts');
  await manager.page.click('[data-testid=tab-receivables]');
  await manager.page.locator('[data-testid=views-bar]').waitFor();
  await settled(manager.page);
  assert.equal(await manager.page.locator('[data-testid=view-chip]').count(), 0);
  await fin.page.locator('[data-testid=view-chip]', { hasText: '逾期回款' }).locator('[data-testid=view-delete]').click();
  await fin.page.locator('[data-testid=view-chip]', { hasText: '逾期回款' }).waitFor({ state: 'detached' });
  assert.deepEqual(fin.errors, []);
  assert.deepEqual(manager.errors, []);
  await fin.ctx.close();
  await manager.ctx.close();
});

test('contracts filter by state and text; tickets by category; a phone shows cards', async () => {
  const manager = await openAs(env, 'bj.manager', '/contracts');
  await manager.page.locator('[data-testid=contract-row]').first().waitFor();
  const all = await manager.page.locator('[data-testid=contract-row]').count();
  await manager.page.selectOption('[data-testid=contract-state]', 'signed');
  await settled(manager.page);
  const signed = await manager.page.locator('[data-testid=contract-row]').allInnerTexts();
  assert.ok(signed.length > 0 && signed.length < all, `signed ${signed.length} of ${all}`);
  assert.ok(signed.every((t) => t.includes('已签订')), signed.join(' | '));
  await manager.page.fill('[data-testid=contract-search]', '没有这样的合同');
  await manager.page.press('[data-testid=contract-search]', 'Enter');
  await manager.page.locator('[data-testid=contracts-none]').waitFor();

  await manager.page.goto(`${env.server.base}/tickets`);
  await manager.page.waitForSelector('body[data-hydrated="true"]');
  await manager.page.locator('[data-testid=ticket-row]').first().waitFor();
  await manager.page.uncheck('[data-testid=tickets-open-only]');
  await manager.page.selectOption('[data-testid=ticket-category-filter]', 'complaint');
  await settled(manager.page);
  const complaints = await manager.page.locator('[data-testid=ticket-row]').allInnerTexts();
  assert.ok(complaints.length > 0 && complaints.every((t) => t.includes('投诉')), complaints.join(' | '));
  assert.deepEqual(manager.errors, []);
  await manager.ctx.close();

  // On a phone the table's rows are cards with their labels, no header row.
  const phone = await openAs(env, 'bj.manager', '/contracts', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const row = phone.page.locator('[data-testid=contract-row]').first();
  await row.waitFor();
  assert.equal(await row.evaluate((tr) => getComputedStyle(tr).display), 'block');
  assert.equal(await phone.page.locator('[data-testid=contract-table] thead').evaluate((h) => getComputedStyle(h).display), 'none');
  const label = await row.locator('td').nth(1).evaluate((td) => getComputedStyle(td, '::before').content);
  assert.match(label, /合同名称/);
  assert.deepEqual(phone.errors, []);
  await phone.ctx.close();
});

test("an administrator sets Shanghai's own price; its teams sell at it, Beijing keeps the list price", async () => {
  const admin = await openAs(env, 'admin', '/admin/prices');
  await admin.page.locator('[data-testid=price-unit] option', { hasText: '上海分公司' }).waitFor({ state: 'attached' });
  const shanghai = await chooseByText(admin.page, '[data-testid=price-unit]', '上海分公司');
  // Each unit's rows are told apart by the table's unit: the previous unit's table stays on screen
  // while the next one loads.
  const row = (unit) => admin.page.locator(`[data-testid=price-table][data-unit="${unit}"] [data-testid=price-row][data-code=SW-CRM]`);
  const crm = row(shanghai);
  await crm.waitFor();
  const listPrice = await crm.locator('td').nth(2).innerText();
  await crm.locator('[data-testid=own-price]').fill('45,600');
  await crm.locator('[data-testid=price-save]').click();
  await crm.locator('[data-testid=effective-price]', { hasText: '45,600' }).waitFor();
  // A bad price is refused with a message and changes nothing.
  await crm.locator('[data-testid=own-price]').fill('四万');
  await crm.locator('[data-testid=price-save]').click();
  await admin.page.locator('.price-lists .form-error').waitFor();
  // A Shanghai team inherits it; Beijing sells at the list price.
  const team = await chooseByText(admin.page, '[data-testid=price-unit]', '上海销售一组');
  await row(team).locator('[data-testid=effective-price]', { hasText: '45,600' }).waitFor();
  assert.equal(await row(team).locator('[data-testid=own-price]').inputValue(), '');
  const beijing = await chooseByText(admin.page, '[data-testid=price-unit]', '北京分公司');
  await row(beijing).locator('[data-testid=effective-price]', { hasText: listPrice.replace(/[^\d,.]/g, '') }).waitFor();

  // The Shanghai rep's contract form offers the product at Shanghai's price.
  const sh = await openAs(env, 'sh.sales1', '/contracts');
  await sh.page.click('[data-testid=new-contract]');
  const option = sh.page.locator('[data-testid=line-product] option', { hasText: 'SW-CRM' });
  await option.waitFor({ state: 'attached' });
  assert.match(await option.innerText(), /45,600/);
  // The refusal above answers 422 on purpose; nothing else may fail.
  assert.deepEqual(admin.errors.filter((e) => !e.includes('422')), []);
  assert.deepEqual(sh.errors, []);
  await admin.ctx.close();
  await sh.ctx.close();
});
