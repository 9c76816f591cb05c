// How fast the CRM becomes usable on a phone over a slow mobile network: 390×844, Chromium's CPU
// slowed 4×, 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trips, empty cache. Prints the time
// from navigation to an interactive sign-in page and to an interactive customer list (the
// figures are a benchmark, reported, not asserted); asserts that both pages do become usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, hydrated, watchErrors, PASSWORD } from './support.js';

const env = suite();

const PROFILE = { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

async function slowPhone(ctx) {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...PROFILE });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const bytes = { total: 0 };
  cdp.on('Network.loadingFinished', (e) => (bytes.total += e.encodedDataLength));
  return { page, bytes };
}

const phone = { locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

test('on a slow phone the sign-in page and the customer list become interactive (times printed)', async () => {
  const ctx = await env.browser.newContext(phone);
  const { page, bytes } = await slowPhone(ctx);
  const errors = watchErrors(page);

  let start = Date.now();
  await page.goto(`${env.server.base}/login`);
  await hydrated(page);
  const signInMs = Date.now() - start;
  const signInBytes = bytes.total;

  await page.fill('[data-testid=login]', 'bj.manager');
  await page.fill('[data-testid=password]', PASSWORD);
  start = Date.now();
  await page.click('[data-testid=submit]');
  await page.waitForURL(`${env.server.base}/`);
  await hydrated(page);
  const landingMs = Date.now() - start;

  start = Date.now();
  await page.goto(`${env.server.base}/customers`);
  await hydrated(page);
  await page.locator('[data-testid=customer-list] [data-testid=customer-row]').first().waitFor();
  const listMs = Date.now() - start;
  const listBytes = bytes.total;

  // A manager opening a link to the list with nothing cached (signed in already).
  const cold = await env.browser.newContext({ ...phone, storageState: await ctx.storageState() });
  const coldPhone = await slowPhone(cold);
  start = Date.now();
  await coldPhone.page.goto(`${env.server.base}/customers`);
  await hydrated(coldPhone.page);
  await coldPhone.page.locator('[data-testid=customer-list] [data-testid=customer-row]').first().waitFor();
  const coldListMs = Date.now() - start;

  console.log(
    `phone load (4× CPU, 1.6 Mbit/s, 150 ms RTT): interactive sign-in page ${signInMs} ms (${Math.round(signInBytes / 1000)} kB transferred); ` +
      `sign-in to landing page ${landingMs} ms; then customer list ${listMs} ms (${Math.round(listBytes / 1000)} kB transferred in all); ` +
      `customer list by direct link with an empty cache ${coldListMs} ms (${Math.round(coldPhone.bytes.total / 1000)} kB)`,
  );
  assert.deepEqual(errors, []);
  await cold.close();
  await ctx.close();
});
