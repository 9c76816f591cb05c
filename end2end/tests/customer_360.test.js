// The customer 360 page in a real browser: editing writes field history, the customer as of a
// date, each unit's assessment side by side, private notes stay with their author.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, openAs } from './support.js';

const env = suite();

const open = (login, path, options) => openAs(env, login, path, options);

async function firstCustomerOf(login) {
  const { ctx, page } = await open(login, '/customers');
  const id = await page.locator('[data-testid=customer-row]').first().getAttribute('data-id');
  await ctx.close();
  return id;
}

test('an edit shows in the field history and in the customer as of today', async () => {
  const id = await firstCustomerOf('bj.sales1');
  const { ctx, page } = await open('bj.sales1', `/customers/${id}`);
  await page.click('[data-testid=edit-customer]');
  await page.fill('[data-testid=edit-city]', '天津');
  await page.fill('[data-testid=edit-address]', '和平区南京路 1 号');
  await page.click('[data-testid=save-customer]');
  await page.waitForFunction(() => document.querySelector('[data-field=city]')?.textContent === '天津');
  const changes = page.locator('[data-testid=field-history] [data-testid=change]');
  assert.equal(await changes.count(), 2);
  assert.match(await page.locator('[data-testid=change][data-field=city]').innerText(), /张伟[\s\S]*北京[\s\S]*天津/);
  const today = new Date().toISOString().slice(0, 10);
  // The edit's own live event reloads the page once more, whenever it lands: the typed date and
  // the question survive the rebuilt history card, so asking once is enough.
  const asOfCity = page.locator('[data-testid=as-of] [data-field=city]');
  await page.fill('[data-testid=as-of-date]', today);
  await page.click('[data-testid=as-of-go]');
  await asOfCity.waitFor();
  assert.equal(await asOfCity.innerText(), '天津');
  await ctx.close();
});

test('sales and service grade the same customer side by side', async () => {
  const id = await firstCustomerOf('bj.sales2');
  let { ctx, page } = await open('bj.sales2', `/customers/${id}`);
  await page.selectOption('[data-testid=grade-value]', 'A');
  await page.fill('[data-testid=grade-comment]', '合作意愿强');
  await page.click('[data-testid=grade-submit]');
  await page.locator('[data-testid=grade][data-unit=北京销售一组]').waitFor();
  await ctx.close();
  ({ ctx, page } = await open('bj.service', `/customers/${id}`));
  await page.selectOption('[data-testid=grade-value]', 'C');
  await page.fill('[data-testid=grade-comment]', '投诉较多');
  await page.click('[data-testid=grade-submit]');
  await page.locator('[data-testid=grade][data-unit=北京客服部]').waitFor();
  const sales = await page.locator('[data-testid=grade][data-unit=北京销售一组]').innerText();
  const service = await page.locator('[data-testid=grade][data-unit=北京客服部]').innerText();
  assert.match(sales, /^A[\s\S]*合作意愿强[\s\S]*刘洋/);
  assert.match(service, /^C[\s\S]*投诉较多[\s\S]*赵磊/);
  await ctx.close();
});

test('a private note is seen by its author only; a shared one by the manager too', async () => {
  const id = await firstCustomerOf('bj.sales3');
  let { ctx, page } = await open('bj.sales3', `/customers/${id}`);
  await page.fill('[data-testid=note-body]', '只给自己看的提醒');
  await page.check('[data-testid=note-private]');
  await page.click('[data-testid=note-submit]');
  await page.locator('[data-testid=note]', { hasText: '只给自己看的提醒' }).waitFor();
  await page.fill('[data-testid=note-body]', '客户下月换采购负责人');
  await page.click('[data-testid=note-submit]');
  await page.locator('[data-testid=note]', { hasText: '客户下月换采购负责人' }).waitFor();
  await ctx.close();
  ({ ctx, page } = await open('bj.manager', `/customers/${id}`));
  await page.locator('[data-testid=note]', { hasText: '客户下月换采购负责人' }).waitFor();
  assert.equal(await page.locator('[data-testid=note]', { hasText: '只给自己看的提醒' }).count(), 0);
  assert.equal(await page.locator('[data-testid=note-delete]').count(), 0, 'not theirs to delete');
  await ctx.close();
});

test('the 360 page fits a phone', async () => {
  const id = await firstCustomerOf('sh.sales3');
  const { ctx, page } = await open('sh.sales3', `/customers/${id}`, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.locator('[data-testid=grades]').waitFor({ state: 'attached' });
  await page.locator('[data-testid=follow-up-form]').waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
  await ctx.close();
});
