// The customer list in a real browser: bulk tagging decided per record, filters by tag, sort,
// column choice, saved views, the remembered last state, export; a rep without the assign right
// has no assign control and a forged bulk assign changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated } from './support.js';

const env = suite();

async function listPage(login, options = { viewport: { width: 1280, height: 900 } }) {
  const ctx = await env.browser.newContext({ locale: 'zh-CN', acceptDownloads: true, ...options });
  const page = await ctx.newPage();
  await signIn(page, env.server.base, login);
  await page.waitForURL(`${env.server.base}/`);
  await page.goto(`${env.server.base}/customers`);
  await hydrated(page);
  await page.locator('[data-testid=customer-row]').first().waitFor();
  return { ctx, page };
}

const count = async (page) => (await page.locator('[data-testid=customer-count]').innerText()).match(/\d[\d,+]*/)[0];

async function waitForCount(page, n) {
  await page.waitForFunction((n) => document.querySelector('[data-testid=customer-count]')?.textContent.includes(` ${n} `), String(n));
}

test('a manager tags a selection, filters by the tag, saves the view and exports it', async () => {
  const { ctx, page } = await listPage('bj.manager');
  const rows = page.locator('[data-testid=customer-row]');
  const picked = [await rows.nth(0).getAttribute('data-id'), await rows.nth(2).getAttribute('data-id')];
  await rows.nth(0).locator('[data-testid=select-row]').check();
  await rows.nth(2).locator('[data-testid=select-row]').check();
  assert.equal(await page.locator('[data-testid=selected-count]').innerText(), '已选 2 个客户');
  // The bulk tag input has its suggestions before the further filters are ever opened.
  const suggestions = await page.getAttribute('[data-testid=bulk-tag]', 'list');
  assert.equal(await page.locator(`datalist#${suggestions}`).count(), 1);
  await page.fill('[data-testid=bulk-tag]', '展会2026');
  await page.click('[data-testid=bulk-add-tag]');
  await page.locator('[data-testid=bulk-result]').waitFor();
  assert.match(await page.locator('[data-testid=bulk-result]').innerText(), /已处理 2 个，无需变更 0 个，未处理 0 个/);

  // The tag filter is among those behind "more filters", fetched on first opening.
  await page.click('[data-testid=more-filters-toggle]');
  await page.locator('[data-testid=filter-tag]').waitFor();
  // The tag filter suggests the tag just given.
  assert.equal(await page.locator('datalist#tag-choices option[value="展会2026"]').count(), 1);
  await page.fill('[data-testid=filter-tag]', '展会2026');
  await page.click('[data-testid=filter-apply]');
  await waitForCount(page, 2);
  const ids = await page.$$eval('[data-testid=customer-row]', (trs) => trs.map((tr) => tr.dataset.id));
  assert.deepEqual(ids.sort(), picked.sort());
  assert.match(await rows.first().locator('[data-testid=customer-tags]').innerText(), /展会2026/);

  // Save it as a view, clear the filters, then come back through the view.
  await page.fill('[data-testid=view-name]', '展会客户');
  await page.click('[data-testid=view-save]');
  await page.locator('[data-testid=view-pick] option', { hasText: '展会客户' }).waitFor({ state: 'attached' });
  await page.click('[data-testid=filter-reset]');
  await waitForCount(page, 90);
  await page.selectOption('[data-testid=view-pick]', { label: '展会客户' });
  await waitForCount(page, 2);

  // The list remembers where the user left it.
  await page.reload();
  await hydrated(page);
  await waitForCount(page, 2);
  assert.equal(await page.innerText('[data-testid=more-filters-toggle]'), '更多筛选与排序 (1)');
  await page.click('[data-testid=more-filters-toggle]');
  assert.equal(await page.inputValue('[data-testid=filter-tag]'), '展会2026');

  // Export everything the view shows.
  const download = page.waitForEvent('download');
  await page.click('[data-testid=export-all]');
  const file = await download;
  assert.match(file.suggestedFilename(), /^customers-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = (await (await import('node:fs/promises')).readFile(await file.path(), 'utf8')).replace(/^\uFEFF/, '');
  const lines = csv.trim().split(/\r\n/);
  assert.equal(lines.length, 3, csv);
  assert.match(lines[0], /^编号,客户名称,/);
  assert.ok(lines[0].includes('标签'));
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), picked.sort());
  await page.locator('[data-testid=export-result]').waitFor();
  await ctx.close();
});

test('sorting and column choice', async () => {
  const { ctx, page } = await listPage('admin');
  await page.click('[data-testid=more-filters-toggle]');
  await page.selectOption('[data-testid=sort-key]', 'name');
  await page.check('[data-testid=sort-desc]');
  await page.locator('[data-testid=columns] summary').click();
  await page.uncheck('[data-testid=columns] input[data-column=phone]');
  await page.check('[data-testid=columns] input[data-column=province]');
  await page.click('[data-testid=filter-apply]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=customer-phone]') && document.querySelector('[data-testid=customer-province]'));
  const names = await page.$$eval('[data-testid=customer-row] td.name', (tds) => tds.map((td) => td.innerText));
  assert.ok(names.length > 10);
  const sorted = [...names].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  assert.deepEqual(names, sorted, 'names descending');
  // Load more continues in the same order.
  await page.click('[data-testid=load-more]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=customer-row]').length > n, names.length);
  const more = await page.$$eval('[data-testid=customer-row] td.name', (tds) => tds.map((td) => td.innerText));
  assert.ok(more[names.length] <= names[names.length - 1]);
  await ctx.close();
});

test('a rep has no assign control, and a forged bulk assign is refused record by record', async () => {
  const { ctx, page } = await listPage('bj.sales1');
  const id = await page.locator('[data-testid=customer-row]').first().getAttribute('data-id');
  await page.locator('[data-testid=customer-row]').first().locator('[data-testid=select-row]').check();
  await page.locator('[data-testid=bulk-release]').waitFor();
  assert.equal(await page.locator('[data-testid=bulk-assign]').count(), 0);
  assert.equal(await page.locator('[data-testid=bulk-export]').count(), 0, 'reps may not export');
  const result = await page.evaluate(async (id) => {
    const res = await fetch('/api/customers/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [Number(id)], request: { Assign: { to_user: 1 } } }),
    });
    return { status: res.status, body: await res.json() };
  }, id);
  assert.equal(result.status, 200);
  assert.equal(result.body.done, 0);
  assert.deepEqual(result.body.refused.map((r) => r[1]), ['forbidden']);
  await page.goto(`${env.server.base}/customers/${id}`);
  await page.locator('[data-testid=customer-owner]').waitFor();
  assert.equal(await page.locator('[data-testid=customer-owner]').innerText(), '张伟');
  await ctx.close();
});

test('on a phone the list is cards and a card can be selected', async () => {
  const { ctx, page } = await listPage('sh.sales1', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  assert.equal(await page.locator('table.records thead').isVisible(), false);
  await page.locator('[data-testid=customer-row]').first().locator('[data-testid=select-row]').check();
  await page.locator('[data-testid=selected-count]').waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
  await ctx.close();
});
