// The dashboard in a real browser: finance drills from the group down to a branch and back,
// changes the period, sees the charts drawn by the server with their tables, is told clearly
// about a bad range, and exports the figures; a branch manager on a phone sets the branch's target
// and sees it in the total; a sales rep sees only their own row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs, hydrated } from './support.js';

const env = suite();

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

test('finance drills down the org tree, changes the period and exports the figures', async () => {
  const { ctx, page, errors } = await openAs(env, 'finance', '/reports');
  await page.locator('[data-testid=report-table]').waitFor();
  assert.match(await page.innerText('[data-testid=report-unit]'), /集团总部/);
  const branch = page.locator('[data-testid=report-row][data-kind=unit]', { hasText: '北京分公司' });
  await branch.locator('[data-testid=drill]').click();
  await page.waitForURL(/unit=\d+/);
  await page.locator('[data-testid=report-unit]', { hasText: '北京分公司' }).waitFor();
  // Its teams are rows now; the path leads back up.
  await page.locator('[data-testid=report-row][data-kind=unit]', { hasText: '北京销售一组' }).waitFor();
  await page.locator('[data-testid=report-path] a', { hasText: '集团总部' }).click();
  await page.locator('[data-testid=report-unit]', { hasText: '集团总部' }).waitFor();

  // The charts arrive drawn, each with the numbers it draws.
  const sales = page.locator('[data-testid=chart-sales]');
  assert.equal(await sales.locator('svg').count(), 1);
  await sales.locator('summary').click();
  assert.ok((await sales.locator('tbody tr').count()) > 0);

  // A quarter, by the picker: the address and the heading follow.
  await page.selectOption('[data-testid=period-kind]', 'quarter');
  await page.fill('[data-testid=period-value]', '2026-Q3');
  await page.click('[data-testid=period-show]');
  await page.waitForURL(/kind=quarter&value=2026-Q3/);
  await page.locator('[data-testid=report-unit]', { hasText: '2026-07-01 – 2026-09-30' }).waitFor();
  // A range that ends before it starts is refused with a reason, and the picker stays.
  await page.selectOption('[data-testid=period-kind]', 'custom');
  await page.fill('[data-testid=period-from]', '2026-05-01');
  await page.fill('[data-testid=period-to]', '2026-04-01');
  await page.click('[data-testid=period-show]');
  await page.locator('[data-testid=report-error]').waitFor();
  assert.ok((await page.innerText('[data-testid=report-error]')).length > 2);
  await page.locator('[data-testid=period-picker]').waitFor();

  // Back to this month, then the CSV file.
  await page.goto(`${env.server.base}/reports`);
  await hydrated(page);
  await page.locator('[data-testid=report-table]').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-export]')]);
  const path = await download.path();
  const csv = (await import('node:fs')).readFileSync(path, 'utf8');
  assert.match(csv, /新增客户/);
  assert.match(csv, /北京分公司/);
  assert.deepEqual(errors.filter((e) => !e.includes('422')), []);
  await ctx.close();
});

test('a branch manager on a phone sets the branch target and sees it in the total', async () => {
  const { ctx, page, errors } = await openAs(env, 'bj.manager', '/reports', PHONE);
  await page.locator('[data-testid=report-unit]', { hasText: '北京分公司' }).waitFor();
  // Nothing wider than the phone.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 392, `page is ${width}px wide`);
  await page.click('[data-testid=targets-toggle]');
  const own = page.locator('[data-testid=target-row][data-user=""]').first();
  await own.locator('[data-testid=target-amount]').fill('88,000');
  await own.locator('[data-testid=target-save]').click();
  await page.locator('[data-testid=report-total] td[data-figure=target_minor]', { hasText: '88,000.00' }).waitFor();
  // The editor stayed open over the reload of the figures, with the saved amount.
  assert.equal(await page.locator('[data-testid=target-row][data-user=""]').first().locator('[data-testid=target-amount]').inputValue(), '88000.00');
  // After a reload the target is still there.
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.locator('[data-testid=report-total] td[data-figure=target_minor]', { hasText: '88,000.00' }).waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a sales rep sees their own row and cannot drill into units', async () => {
  const { ctx, page, errors } = await openAs(env, 'bj.sales1', '/reports');
  await page.locator('[data-testid=report-table]').waitFor();
  assert.equal(await page.locator('[data-testid=report-row][data-kind=unit]').count(), 0);
  assert.equal(await page.locator('[data-testid=drill]').count(), 0);
  assert.equal(await page.locator('[data-testid=report-row][data-kind=person]', { hasText: '张伟' }).count(), 1);
  assert.equal(await page.locator('[data-testid=targets-toggle]').count(), 0);
  assert.equal(await page.locator('[data-testid=report-export]').count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});
