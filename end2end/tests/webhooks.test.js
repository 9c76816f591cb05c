// Webhooks in a real browser and a real receiver: an administrator subscribes a local receiver
// (allowed explicitly: it is on loopback) to customer updates and sees the signing secret once; a
// change made through the REST API reaches the receiver within seconds, signed (checked here with
// Node's own HMAC); the page then shows the delivery as delivered. Without "allow private" the
// same address is refused with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { suite, openAs, hydrated } from './support.js';

const env = suite();

function receiver() {
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { got.push({ headers: req.headers, body }); res.writeHead(200); res.end('ok'); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, got, url: `http://127.0.0.1:${server.address().port}/hook` })));
}

test('an administrator subscribes a receiver and a change arrives signed', async () => {
  const rx = await receiver();
  const { ctx, page, errors } = await openAs(env, 'admin', '/admin');
  await page.click('[data-testid=tab-webhooks]');
  await page.locator('[data-testid=webhook-form]').waitFor();

  // A loopback address without the explicit permission: refused, nothing made.
  await page.fill('[data-testid=webhook-url]', rx.url);
  await page.check('[data-testid=webhook-kind][value="customer.update"]');
  await page.click('[data-testid=webhook-create]');
  await page.locator('[data-testid=action-error]').first().waitFor();
  assert.equal(await page.locator('[data-testid=webhook-row]').count(), 0);

  await page.check('[data-testid=webhook-private]');
  await page.click('[data-testid=webhook-create]');
  const secret = (await page.locator('[data-testid=webhook-secret]').innerText()).trim();
  assert.match(secret, /^whsec_[0-9a-f]{48}$/);
  await page.locator('[data-testid=webhook-row]').first().waitFor();

  // A change through the REST API with a token the administrator makes on their profile.
  await page.goto(`${env.server.base}/profile`);
  await hydrated(page);
  await page.fill('[data-testid=token-name]', 'webhook test');
  await page.click('[data-testid=token-create]');
  const token = (await page.locator('[data-testid=token-secret]').innerText()).trim();
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const list = await (await fetch(`${env.server.base}/api/v1/customers?limit=1`, { headers: auth })).json();
  const id = list.items[0].id;
  const patched = await fetch(`${env.server.base}/api/v1/customers/${id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ city: '雄安' }) });
  assert.equal(patched.status, 200);

  const deadline = Date.now() + 30000;
  while (rx.got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  assert.equal(rx.got.length, 1, 'one delivery arrived');
  const { headers, body } = rx.got[0];
  const expected = 'v1=' + createHmac('sha256', secret).update(`${headers['x-crm-timestamp']}.${body}`).digest('hex');
  assert.equal(headers['x-crm-signature'], expected);
  assert.equal(headers['x-crm-event'], 'customer.update');
  const payload = JSON.parse(body);
  assert.equal(payload.record_id, id);
  assert.equal(payload.data.city, '雄安');

  await page.goto(`${env.server.base}/admin/webhooks`);
  await hydrated(page);
  await page.locator('[data-testid=webhook-row]').first().waitFor();
  assert.equal((await page.innerText('[data-testid=webhook-delivered]')).trim(), '1');
  await page.click('[data-testid=webhook-show]');
  await page.locator('[data-testid=delivery-row][data-status=delivered]').waitFor();
  // The secret is not shown again.
  assert.equal(await page.locator('[data-testid=webhook-secret]').count(), 0);
  assert.deepEqual(errors.filter((e) => !e.includes('422') && !e.includes('Unprocessable')), []);
  rx.server.close();
  await ctx.close();
});
