// CSV import in a real browser: a sales rep opens the import page from the customer list, picks a
// GBK file as Excel in China saves it, sees it read right with the columns mapped, starts it and
// watches it finish in the background; a second file with a broken row and a duplicate is refused
// whole (all-or-nothing) with the lines and reasons shown, and nothing of it appears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openAs } from './support.js';

const env = suite();

// "客户名称,电话,级别" and two customers, encoded in GBK.
const GBK = Buffer.from(
  'bfcdbba7c3fbb3c62cb5e7bbb02cbcb6b1f00ae4afc0c0c6f7b5bcc8ebd2bbbac5d3d0cfdeb9abcbbe2c31333731313131303030312c410ae4afc0c0c6f7b5bcc8ebb6febac5d3d0cfdeb9abcbbe2c31333731313131303030322c420a',
  'hex',
);

async function waitForEnd(page) {
  const job = page.locator('[data-testid=import-job]');
  await job.waitFor();
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const status = await job.getAttribute('data-status');
    if (status === 'done' || status === 'failed') return status;
    await page.waitForTimeout(300);
  }
  throw new Error('the import did not end');
}

test('a rep imports a GBK file, and a file with problems is refused whole', async () => {
  const { ctx, page, errors } = await openAs(env, 'bj.sales1', '/customers');
  await page.click('[data-testid=to-import]');
  await page.locator('[data-testid=import-page]').waitFor();
  await page.setInputFiles('[data-testid=import-file]', { name: '客户.csv', mimeType: 'text/csv', buffer: GBK });
  await page.locator('[data-testid=import-preview]').waitFor();
  assert.equal(await page.innerText('[data-testid=import-encoding]'), 'GB18030/GBK');
  assert.equal(await page.innerText('[data-testid=import-total]'), '2');
  const mapped = await page.$$eval('[data-testid=import-map]', (els) => els.map((e) => e.value));
  assert.deepEqual(mapped, ['name', 'phone', 'level']);
  assert.ok((await page.innerText('[data-testid=import-preview]')).includes('浏览器导入一号有限公司'));
  await page.click('[data-testid=import-start]');
  assert.equal(await waitForEnd(page), 'done');
  assert.equal(await page.innerText('[data-testid=import-created]'), '2');

  // A broken level and a name that now exists: nothing is written, the lines are named.
  const bad = '\ufeffname,phone,level\n浏览器导入三号有限公司,13711110003,Q\n浏览器导入一号有限公司,13711110009,A\n浏览器导入四号有限公司,13711110004,C\n';
  await page.reload();
  await page.locator('[data-testid=import-page]').waitFor();
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  await page.setInputFiles('[data-testid=import-file]', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad, 'utf8') });
  await page.locator('[data-testid=import-preview]').waitFor();
  assert.equal(await page.innerText('[data-testid=import-encoding]'), 'UTF-8 (BOM)');
  await page.click('[data-testid=import-start]');
  assert.equal(await waitForEnd(page), 'failed');
  const lines = await page.$$eval('[data-testid=import-problem]', (rows) => rows.map((r) => [r.dataset.line, r.dataset.kind]));
  assert.deepEqual(lines, [['2', 'invalid'], ['3', 'duplicate']]);
  assert.ok((await page.innerText('[data-testid=import-problem-table]')).length > 0);

  await page.goto(`${env.server.base}/customers`);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  const list = await page.innerText('[data-testid=customer-list]');
  assert.ok(list.includes('浏览器导入一号有限公司'), 'the imported customers are listed');
  assert.ok(!list.includes('浏览器导入四号有限公司'), 'nothing of the refused file');
  assert.deepEqual(errors, []);
  await ctx.close();
});
