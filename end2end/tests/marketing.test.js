// Marketing in a real browser: segments are built from conditions and groups, counted within the
// reader's scope (the counts of "A" and "not A" add up to "A or not A"), saved, found again after
// a reload and deleted; a campaign is created, a lead is linked to it from the lead's page, and
// the channel's lead count follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs } from './support.js';

const env = suite();

async function countOf(page) {
  await page.click('[data-testid=seg-count]');
  await page.waitForLoadState('networkidle');
  await page.locator('[data-testid=seg-total]').waitFor();
  await page.waitForTimeout(200);
  return Number(await page.innerText('[data-testid=seg-total]'));
}

test('a marketer builds, counts, saves and deletes a segment', async () => {
  const { ctx, page, errors } = await openAs(env, 'marketing', '/customers');
  await page.click('[data-testid=to-segments]');
  await page.locator('[data-testid=segments]').waitFor();
  const cond = page.locator('[data-testid=seg-cond]').first();
  await cond.locator('[data-testid=seg-field]').selectOption('level');
  await cond.locator('[data-testid=seg-op]').selectOption('is');
  await cond.locator('[data-testid=seg-value]').fill('A');
  const a = await countOf(page);
  await cond.locator('[data-testid=seg-op]').selectOption('is_not');
  const notA = await countOf(page);
  assert.ok(a > 0 && notA > 0, `A ${a}, not A ${notA}`);
  // A second group, joined by "any": A or not A is everything counted above.
  await page.click('[data-testid=seg-add-group]');
  const second = page.locator('[data-testid=seg-group]').nth(1).locator('[data-testid=seg-cond]').first();
  await second.locator('[data-testid=seg-field]').selectOption('level');
  await second.locator('[data-testid=seg-op]').selectOption('is');
  await second.locator('[data-testid=seg-value]').fill('A');
  await page.selectOption('[data-testid=seg-outer]', 'any');
  assert.equal(await countOf(page), a + notA);

  // Saved, it is listed after a reload and brings its rule back.
  await page.fill('[data-testid=seg-name]', '全部等级');
  await page.click('[data-testid=seg-save]');
  await page.locator('[data-testid=seg-saved]', { hasText: '全部等级' }).waitFor();
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.locator('[data-testid=seg-saved]', { hasText: '全部等级' }).locator('button').first().click();
  await page.locator('[data-testid=seg-total]').waitFor();
  assert.equal(Number(await page.innerText('[data-testid=seg-total]')), a + notA);
  assert.equal(await page.locator('[data-testid=seg-group]').count(), 2);
  await page.locator('[data-testid=seg-saved]', { hasText: '全部等级' }).locator('[data-testid=seg-delete]').click();
  await page.locator('[data-testid=seg-saved]').first().waitFor({ state: 'detached' });
  assert.deepEqual(errors.filter((e) => !e.includes('422')), []);
  await ctx.close();
});

test('a campaign is created, a lead is linked to it, and its channel counts the lead', async () => {
  const { ctx, page, errors } = await openAs(env, 'marketing', '/leads');
  await page.click('[data-testid=to-campaigns]');
  await page.locator('[data-testid=channel-table]').waitFor();
  const row = page.locator('[data-testid=channel-row][data-channel=referral] [data-testid=channel-leads]');
  const before = Number(await row.innerText());
  await page.fill('[data-testid=campaign-name]', '老客户转介绍计划');
  await page.selectOption('[data-testid=campaign-channel]', 'referral');
  await page.fill('[data-testid=campaign-cost]', '12,000');
  await page.click('[data-testid=campaign-create]');
  await page.locator('[data-testid=campaign-row]', { hasText: '老客户转介绍计划' }).waitFor();

  await page.goto(`${env.server.base}/leads/1`);
  await page.waitForSelector('body[data-hydrated="true"]');
  const pick = page.locator('[data-testid=lead-campaign]');
  await pick.waitFor();
  const value = await pick.evaluate((el) => [...el.options].find((o) => o.textContent.includes('老客户转介绍计划')).value);
  await pick.selectOption(value);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  await page.goto(`${env.server.base}/leads/campaigns`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.locator('[data-testid=channel-table]').waitFor();
  assert.equal(Number(await row.innerText()), before + 1);
  assert.deepEqual(errors, []);
  await ctx.close();
});
