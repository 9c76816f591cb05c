// Sharing and transfer in a real browser: an owner shares a customer with a colleague in another
// branch, who then sees it; revoking takes it away again; a manager transfers a customer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, signIn, hydrated, chooseByText } from './support.js';

const env = suite();

async function signedIn(login) {
  const ctx = await env.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page, env.server.base, login);
  await page.waitForURL(`${env.server.base}/`);
  return { ctx, page };
}


test('a shared customer is visible to the grantee until the share is revoked', async () => {
  const owner = await signedIn('sh.sales1');
  await owner.page.goto(`${env.server.base}/customers`);
  await hydrated(owner.page);
  const first = owner.page.locator('[data-testid=customer-row] td.name a').first();
  const name = await first.innerText();
  await first.click();
  await owner.page.locator('[data-testid=customer-name]').waitFor();
  const url = owner.page.url();
  assert.equal(await owner.page.locator('[data-testid=customer-name]').innerText(), name);

  // Before the share, a Beijing rep gets "not found" for the same address.
  const other = await signedIn('bj.sales1');
  await other.page.goto(url);
  await other.page.locator('[data-testid=customer-missing]').waitFor();

  await chooseByText(owner.page, '[data-testid=share-grantee]', '张伟');
  await owner.page.selectOption('[data-testid=share-access]', 'read');
  await owner.page.click('[data-testid=share-submit]');
  await owner.page.locator('[data-testid=share]').first().waitFor();
  assert.match(await owner.page.locator('[data-testid=shares]').innerText(), /张伟/);

  await other.page.goto(url);
  await other.page.locator('[data-testid=customer-name]').waitFor();
  assert.equal(await other.page.locator('[data-testid=customer-name]').innerText(), name);
  // A read share lets them see, not share further or transfer.
  assert.equal(await other.page.locator('[data-testid=share-form]').count(), 0);
  assert.equal(await other.page.locator('[data-testid=transfer-form]').count(), 0);

  await owner.page.click('[data-testid=unshare]');
  await owner.page.locator('[data-testid=share]').waitFor({ state: 'detached' });
  await other.page.goto(url);
  await other.page.locator('[data-testid=customer-missing]').waitFor();
  await owner.ctx.close();
  await other.ctx.close();
});

test('a branch manager transfers a customer to another rep', async () => {
  const manager = await signedIn('bj.manager');
  await manager.page.goto(`${env.server.base}/customers`);
  await hydrated(manager.page);
  await manager.page.locator('[data-testid=customer-row] td.name a').first().click();
  await manager.page.locator('[data-testid=transfer-form]').waitFor();
  await chooseByText(manager.page, '[data-testid=transfer-owner]', '陈静');
  await manager.page.click('[data-testid=transfer-submit]');
  await manager.page.waitForFunction(() => document.querySelector('[data-testid=customer-owner]')?.textContent === '陈静');
  await manager.ctx.close();
});
