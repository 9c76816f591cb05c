// The opportunity pipeline in real browsers, two people in two contexts: a Beijing rep creates an
// opportunity on a customer (a bad amount is refused and what was typed stays), moves it along the
// board with the keyboard's stage list (it stays there after a reload), and loses it — only once a
// reason is given. A second one is dragged to the next stage and shows in the forecast. The
// branch manager, with the board open, sees the rep's cards arrive and move without a reload. On a
// phone the stage columns stack into one list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs, hydrated, liveConnected } from './support.js';

const env = suite();

const live = (page) => liveConnected(page, 1000);

function inDays(n) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

/** The card of opportunity `id` in the column of stage `stage`. */
function cardIn(page, stage, id) {
  return page.locator(`[data-testid=stage-column][data-stage="${stage}"] [data-testid=opportunity-card][data-id="${id}"]`);
}

/** Creates an opportunity through the page's form on the first customer offered; answers its card's id. */
async function create(page, name, amount, close) {
  await page.click('[data-testid=new-opportunity]');
  await page.locator('[data-testid=opportunity-customer] option').nth(1).waitFor({ state: 'attached' });
  await page.selectOption('[data-testid=opportunity-customer]', { index: 1 });
  await page.fill('[data-testid=opportunity-name]', name);
  await page.fill('[data-testid=opportunity-amount]', amount);
  await page.fill('[data-testid=opportunity-close]', close);
  await page.click('[data-testid=opportunity-save]');
  const card = page.locator('[data-testid=opportunity-card]', { hasText: name });
  await card.waitFor();
  return card.getAttribute('data-id');
}

test('a rep moves an opportunity through the pipeline and loses it with a reason; the manager follows live', async () => {
  const rep = await openAs(env, 'bj.sales1', '/opportunities');
  await rep.page.locator('[data-testid=opportunity-board]').waitFor();
  const stages = await rep.page.$$eval('[data-testid=stage-column]', (cs) => cs.map((c) => ({ code: c.dataset.stage, outcome: c.dataset.outcome })));
  const open = stages.filter((s) => s.outcome === 'open');
  assert.ok(open.length >= 2, `two open stages at least: ${JSON.stringify(stages)}`);
  const [first, second] = [open[0].code, open[1].code];
  assert.equal(stages[0].code, first, 'the pipeline starts with an open stage');
  const lost = stages.find((s) => s.outcome === 'lost')?.code;
  assert.ok(lost, 'a lost stage');
  await live(rep.page);

  // The branch manager keeps the board open.
  const manager = await openAs(env, 'bj.manager', '/opportunities');
  await manager.page.locator('[data-testid=opportunity-board]').waitFor();
  await live(manager.page);

  // A bad amount is refused and what was typed stays.
  await rep.page.click('[data-testid=new-opportunity]');
  await rep.page.locator('[data-testid=opportunity-customer] option').nth(1).waitFor({ state: 'attached' });
  await rep.page.selectOption('[data-testid=opportunity-customer]', { index: 1 });
  await rep.page.fill('[data-testid=opportunity-name]', '浏览器测试商机');
  await rep.page.fill('[data-testid=opportunity-amount]', '12万');
  await rep.page.fill('[data-testid=opportunity-close]', inDays(20));
  await rep.page.click('[data-testid=opportunity-save]');
  await rep.page.locator('[data-testid=opportunity-form] .form-error').waitFor();
  assert.equal(await rep.page.inputValue('[data-testid=opportunity-name]'), '浏览器测试商机');
  assert.equal(await rep.page.inputValue('[data-testid=opportunity-close]'), inDays(20));
  await rep.page.fill('[data-testid=opportunity-amount]', '120,000');
  await rep.page.click('[data-testid=opportunity-save]');

  // Its card is in the first stage, with the amount.
  const card = rep.page.locator('[data-testid=opportunity-card]', { hasText: '浏览器测试商机' });
  await card.waitFor();
  const id = await card.getAttribute('data-id');
  await cardIn(rep.page, first, id).waitFor();
  assert.match(await card.locator('[data-testid=card-amount]').innerText(), /¥120,000\.00/);
  assert.match(await card.innerText(), new RegExp(inDays(20)));
  await cardIn(manager.page, first, id).waitFor({ timeout: 10_000 });

  // With the keyboard's stage list, to the next stage; the manager sees it move.
  await cardIn(rep.page, first, id).locator('[data-testid=card-stage]').selectOption(second);
  await cardIn(rep.page, second, id).waitFor();
  await cardIn(manager.page, second, id).waitFor({ timeout: 10_000 });
  assert.equal(await cardIn(manager.page, first, id).count(), 0);

  // After a reload it is still there.
  await rep.page.reload();
  await hydrated(rep.page);
  await cardIn(rep.page, second, id).waitFor();
  await live(rep.page);

  // Lost: nothing moves until a reason is given.
  const moving = rep.page.locator(`[data-testid=opportunity-card][data-id="${id}"]`);
  await moving.locator('[data-testid=card-stage]').selectOption(lost);
  await moving.locator('[data-testid=lost-reason]').waitFor();
  await moving.locator('[data-testid=lost-confirm]').click();
  await moving.locator('.form-error').waitFor();
  assert.equal(await cardIn(rep.page, second, id).count(), 1, 'not moved without a reason');
  assert.equal(await cardIn(rep.page, lost, id).count(), 0);
  await moving.locator('[data-testid=lost-reason]').fill('客户预算取消');
  await moving.locator('[data-testid=lost-confirm]').click();
  await cardIn(rep.page, lost, id).waitFor();
  assert.match(await cardIn(rep.page, lost, id).innerText(), /客户预算取消/);
  await cardIn(manager.page, lost, id).waitFor({ timeout: 10_000 });

  // A second one is dragged to the next stage.
  const other = await create(rep.page, '浏览器测试续约', '50000', inDays(40));
  await cardIn(rep.page, first, other).waitFor();
  // Held by its name (not its stage list), dropped on the column's head.
  await cardIn(rep.page, first, other).dragTo(rep.page.locator(`[data-testid=stage-column][data-stage="${second}"] .stage-head`), {
    sourcePosition: { x: 12, y: 10 },
    targetPosition: { x: 12, y: 8 },
  });
  await cardIn(rep.page, second, other).waitFor();
  await cardIn(manager.page, second, other).waitFor({ timeout: 10_000 });

  // The forecast has the month it is expected to close in, weighted below its full amount.
  await rep.page.click('[data-testid=tab-forecast]');
  const month = inDays(40).slice(0, 7);
  const row = rep.page.locator(`[data-testid=forecast-row][data-month="${month}"]`).first();
  await row.waitFor();
  const money = (text) => Number(text.replace(/[^\d.]/g, ''));
  const weighted = money(await row.locator('[data-testid=forecast-weighted]').innerText());
  const unweighted = money(await row.locator('[data-testid=forecast-unweighted]').innerText());
  assert.ok(unweighted >= 50000, `unweighted ${unweighted}`);
  assert.ok(weighted > 0 && weighted < unweighted, `weighted ${weighted} of ${unweighted}`);
  await rep.page.locator('[data-testid=forecast-total]').waitFor();

  // The bad amount answered 422 on purpose; nothing else may fail.
  assert.deepEqual(rep.errors.filter((e) => !e.includes('422')), []);
  assert.deepEqual(manager.errors, []);
  await rep.ctx.close();
  await manager.ctx.close();
});

test('on a phone the stage columns stack into one list', async () => {
  const phone = await openAs(env, 'bj.manager', '/opportunities', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const columns = phone.page.locator('[data-testid=stage-column]');
  await columns.first().waitFor();
  const [a, b] = [await columns.nth(0).boundingBox(), await columns.nth(1).boundingBox()];
  assert.ok(b.y >= a.y + a.height, `the second column below the first: ${JSON.stringify([a, b])}`);
  assert.ok(a.width > 300, `a column fills the width: ${a.width}`);
  assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
  assert.deepEqual(phone.errors, []);
  await phone.ctx.close();
});

test('an administrator configures the stages; a stage holding opportunities keeps its outcome', async () => {
  const admin = await openAs(env, 'admin', '/opportunities');
  await admin.page.locator('[data-testid=opportunity-board]').waitFor();
  await admin.page.locator('[data-testid=stage-settings] summary').click();
  // A new open stage at 45 %, third on the board.
  const add = admin.page.locator('[data-testid=stage-new]');
  await add.locator('[data-testid=stage-code]').fill('trial');
  await add.locator('[data-testid=stage-name-zh]').fill('试用');
  await add.locator('[data-testid=stage-name-en]').fill('Trial');
  await add.locator('[data-testid=stage-percent]').fill('45');
  await add.locator('[data-testid=stage-position]').fill('3');
  await add.locator('[data-testid=stage-save]').click();
  await admin.page.locator('[data-testid=stage-column][data-stage=trial]').waitFor();
  assert.match(await admin.page.locator('[data-testid=stage-column][data-stage=trial]').innerText(), /试用[\s\S]*45%/);
  // The demo's proposal stage holds opportunities: turning it into a lost stage is refused.
  const proposal = admin.page.locator('[data-testid=stage-row][data-code=proposal]');
  await proposal.locator('[data-testid=stage-outcome]').selectOption('lost');
  await proposal.locator('[data-testid=stage-save]').click();
  await admin.page.locator('[data-testid=stage-settings] [data-testid=action-error]', { hasText: '还有商机' }).waitFor();
  assert.equal(await admin.page.locator('[data-testid=stage-column][data-stage=proposal][data-outcome=open]').count(), 1);
  // Reps do not see the settings.
  const rep = await openAs(env, 'bj.sales2', '/opportunities');
  await rep.page.locator('[data-testid=opportunity-board]').waitFor();
  await rep.page.waitForTimeout(500);
  assert.equal(await rep.page.locator('[data-testid=stage-settings]').count(), 0);
  assert.deepEqual(admin.errors.filter((e) => !e.includes('409') && !e.includes('422')), []);
  assert.deepEqual(rep.errors, []);
  await admin.ctx.close();
  await rep.ctx.close();
});
