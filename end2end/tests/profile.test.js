// API tokens in a real browser: a sales rep opens their profile from the top bar, makes a token,
// sees its secret once, calls the REST API with it (their own customers only), revokes it and
// the very next API call is refused; the OpenAPI document is linked from the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs, hydrated } from './support.js';

const env = suite();

async function api(path, secret) {
  const res = await fetch(`${env.server.base}/api/v1/${path}`, { headers: { authorization: `Bearer ${secret}` } });
  return { status: res.status, body: await res.json() };
}

test('a rep makes a token, uses it on the API, and revokes it', async () => {
  const { ctx, page, errors } = await openAs(env, 'bj.sales1', '/customers');
  await page.click('[data-testid=to-profile]');
  await page.locator('[data-testid=token-form]').waitFor();
  await page.fill('[data-testid=token-name]', '报表同步');
  await page.selectOption('[data-testid=token-expiry]', '30');
  await page.click('[data-testid=token-create]');
  const secret = (await page.locator('[data-testid=token-secret]').innerText()).trim();
  assert.match(secret, /^crm_pat_[0-9a-f]{64}$/);
  const row = page.locator('[data-testid=token-row]').first();
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'live');
  assert.ok((await row.innerText()).includes(secret.slice(0, 14)), 'the row shows the start of the secret');
  assert.ok(!(await row.innerText()).includes(secret), 'but never the whole secret');

  // The API acts as the rep: the customers it lists are the rep's own.
  const first = await api('customers?limit=200', secret);
  assert.equal(first.status, 200);
  assert.ok(first.body.items.length > 0);
  assert.ok(first.body.items.every((c) => c.owner_name === first.body.items[0].owner_name), 'only the rep\'s own customers');

  // After a reload the secret is gone from the page; the token is still listed.
  await page.reload();
  await hydrated(page);
  assert.equal(await page.locator('[data-testid=token-secret]').count(), 0);
  await page.locator('[data-testid=token-row]').first().waitFor();

  await page.click('[data-testid=token-revoke]');
  await page.locator('[data-testid=token-row][data-state=revoked]').waitFor();
  const after = await api('customers', secret);
  assert.equal(after.status, 401);
  assert.equal(after.body.error, 'unauthenticated');

  const href = await page.getAttribute('[data-testid=openapi-link]', 'href');
  const doc = await (await fetch(`${env.server.base}${href}`)).json();
  assert.ok(doc.paths['/api/v1/customers'].get, 'the document lists the customer list');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a blank token name is refused with a message and makes nothing', async () => {
  const { ctx, page, errors } = await openAs(env, 'bj.sales1', '/profile');
  await page.locator('[data-testid=token-form]').waitFor();
  const before = await page.locator('[data-testid=token-row]').count();
  await page.fill('[data-testid=token-name]', '   ');
  await page.click('[data-testid=token-create]');
  await page.locator('.form-error').first().waitFor();
  assert.equal(await page.locator('[data-testid=token-secret]').count(), 0);
  assert.equal(await page.locator('[data-testid=token-row]').count(), before);
  assert.deepEqual(errors.filter((e) => !/422|Unprocessable/.test(e)), []);
  await ctx.close();
});
