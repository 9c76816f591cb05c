// Every lazily loaded page (its own WASM chunk, fetched on the first visit) works when reached by
// a direct link or a reload as well as by navigating inside the app: it renders, becomes
// interactive and logs no error. New pages are added to PAGES when they are born.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs, hydrated, chooseByText } from './support.js';

const env = suite();

// Path, and an element only that page shows once it is ready.
const PAGES = [
  ['/', '[data-testid=dashboard]'],
  ['/customers', '[data-testid=customer-list]'],
  ['/customers/1', '[data-testid=customer-name]'],
  ['/contacts', '[data-testid=contact-list]'],
  ['/pools', '[data-testid=pools]'],
  ['/leads', '[data-testid=lead-filters]'],
  ['/leads/rules', '[data-testid=lead-rules]'],
  ['/leads/campaigns', '[data-testid=channel-table]'],
  ['/segments', '[data-testid=segments]'],
  ['/leads/1', '[data-testid=lead-name]'],
  ['/tasks', '[data-testid=task-tabs]'],
  ['/notifications', '[data-testid=notif-settings]'],
  ['/approvals', '[data-testid=approval-tabs]'],
  ['/approvals/1', '[data-testid=approval-card]'],
  ['/admin', '[data-testid=unit-tree]'],
  ['/admin/users', '[data-testid=user-list]'],
  ['/admin/roles', '[data-testid=role-list]'],
  ['/admin/pools', '[data-testid=admin-pools]'],
  ['/admin/explain', '[data-testid=explain-user]'],
  ['/admin/audit', '[data-testid=audit-entity]'],
  ['/admin/approval-flows', '[data-testid=flow-versions]'],
  ['/admin/prices', '[data-testid=price-unit]'],
  ['/contracts', '[data-testid=contract-table]'],
  ['/contracts/1', '[data-testid=contract-heading]'],
  ['/quotes', '[data-testid=quote-table]'],
  ['/quotes/1', '[data-testid=quote-heading]'],
  ['/tickets', '[data-testid=ticket-table]'],
  ['/tickets/1', '[data-testid=ticket-heading]'],
  ['/opportunities', '[data-testid=opportunity-board]'],
  ['/reports?kind=quarter&value=2026-Q4', '[data-testid=report-table]'],
  ['/profile', '[data-testid=token-form]'],
  ['/admin/webhooks', '[data-testid=webhook-form]'],
  ['/customers/import', '[data-testid=import-page]'],
];

/** A task, so that a task page exists: assigned through the tasks form. */
async function makeTask(page) {
  await page.goto(`${env.server.base}/tasks`);
  await hydrated(page);
  await page.click('[data-testid=task-tabs] [data-view=assigned]');
  // The list reloads for the tab (and re-renders the form): type only after it has.
  await page.waitForLoadState('networkidle');
  await page.click('[data-testid=new-task] summary');
  await page.fill('[data-testid=task-title]', '懒加载页面检查');
  await chooseByText(page, '[data-testid=task-assignee]', '张伟');
  await page.click('[data-testid=task-submit]');
  const row = page.locator('[data-testid=task-row]', { hasText: '懒加载页面检查' }).locator('a').first();
  await row.waitFor();
  return new URL(await row.getAttribute('href'), env.server.base).pathname;
}

async function visitDirectly(page, errors, target, ready) {
  await page.goto(`${env.server.base}${target}`);
  await hydrated(page);
  await page.locator(ready).first().waitFor();
  await page.reload();
  await hydrated(page);
  await page.locator(ready).first().waitFor();
  assert.deepEqual(errors, [], `errors on ${target}`);
}

test('every lazily loaded page works by direct link and after a reload', async () => {
  const { ctx, page, errors } = await openAs(env, 'admin');
  for (const [path, ready] of PAGES) {
    await visitDirectly(page, errors, path, ready);
  }
  await ctx.close();
  // A task's page, as the manager who assigned it.
  const manager = await openAs(env, 'bj.manager');
  await visitDirectly(manager.page, manager.errors, await makeTask(manager.page), '[data-testid=task-name]');
  await manager.ctx.close();
});

test('every lazily loaded page works when reached by navigation inside the app', async () => {
  const { ctx, page, errors } = await openAs(env, 'admin', '/customers');
  const sidebar = page.locator('[data-testid=sidebar]');
  for (const [area, ready] of [
    ['leads', '[data-testid=lead-filters]'],
    ['tasks', '[data-testid=task-tabs]'],
    ['approvals', '[data-testid=approval-tabs]'],
    ['contracts', '[data-testid=contract-table]'],
    ['tickets', '[data-testid=ticket-table]'],
    ['opportunities', '[data-testid=opportunity-board]'],
    ['reports', '[data-testid=report-table]'],
    ['dashboard', '[data-testid=dashboard]'],
    ['admin', '[data-testid=unit-tree]'],
    ['customers', '[data-testid=customer-list]'],
  ]) {
    await sidebar.locator(`[data-area=${area}]`).click();
    await page.locator(ready).first().waitFor();
  }
  await sidebar.locator('[data-area=admin]').click();
  for (const [tab, ready] of [
    ['users', '[data-testid=user-list]'],
    ['roles', '[data-testid=role-list]'],
    ['pools', '[data-testid=admin-pools]'],
    ['explain', '[data-testid=explain-user]'],
    ['audit', '[data-testid=audit-entity]'],
    ['prices', '[data-testid=price-unit]'],
    ['org', '[data-testid=unit-tree]'],
  ]) {
    await page.click(`[data-testid=tab-${tab}]`);
    await page.locator(ready).first().waitFor();
  }
  // Into a record and back: the customer page's chunk, then history navigation.
  await sidebar.locator('[data-area=customers]').click();
  await page.locator('[data-testid=customer-row] td.name a').first().click();
  await page.locator('[data-testid=customer-name]').waitFor();
  await page.goBack();
  await page.locator('[data-testid=customer-list]').waitFor();
  await page.goForward();
  await page.locator('[data-testid=customer-name]').waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});
