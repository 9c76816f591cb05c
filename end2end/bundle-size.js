// The size benchmark of the browser bundle: every file's raw / gzip / brotli bytes, and what a
// newcomer downloads to reach an interactive sign-in page and then an interactive customer list,
// found by loading those pages in Chromium with an empty cache. Fails (exit 1) when the first
// load is over its budget or a single file is over the per-chunk limit.
//
// Run by scripts/bundle-size.sh after a release build and `crm precompress`, which wrote the
// .br and .gz copies measured here (the ones the server sends).
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { startServer, launchBrowser, hydrated, signIn, SITE_ROOT, BIN } from './tests/support.js';

const FIRST_LOAD_BUDGET = Number(process.env.CRM_FIRST_LOAD_BUDGET || 300_000);
const CHUNK_LIMIT = Number(process.env.CRM_CHUNK_LIMIT || 150_000);
const pkg = join(SITE_ROOT, 'pkg');

const sizeOf = (path) => (existsSync(path) ? statSync(path).size : NaN);
function sizes(name) {
  const file = join(pkg, name);
  return { name, raw: sizeOf(file), gzip: sizeOf(`${file}.gz`), brotli: sizeOf(`${file}.br`) };
}
const kb = (n) => (n / 1000).toFixed(1).padStart(8);
const row = (s) => `${s.name.padEnd(56)} ${kb(s.raw)} ${kb(s.gzip)} ${kb(s.brotli)}`;
const header = `${'file'.padEnd(56)} ${'raw kB'.padStart(8)} ${'gzip kB'.padStart(8)} ${'br kB'.padStart(8)}`;
const total = (list) => ({
  name: 'total',
  raw: list.reduce((a, s) => a + s.raw, 0),
  gzip: list.reduce((a, s) => a + s.gzip, 0),
  brotli: list.reduce((a, s) => a + s.brotli, 0),
});

// The files of the current build (older builds' hashed files may still lie in the folder): the
// names in hash.txt beside the server binary, the split loader and the chunks it names.
function currentFiles() {
  const hashes = Object.fromEntries(
    readFileSync(join(dirname(BIN), 'hash.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => l.split(':').map((p) => p.trim())),
  );
  const loader = `__wasm_split.${hashes.split}.js`;
  const chunks = readFileSync(join(pkg, loader), 'utf8').match(/[A-Za-z0-9_.-]+\.wasm/g) || [];
  return [
    ...new Set([`crm.${hashes.js}.js`, `crm.${hashes.wasm}.wasm`, `crm.${hashes.css}.css`, loader, `__wasm_split_manifest.${hashes.manifest}.json`, ...chunks]),
  ].sort();
}
const files = currentFiles().map(sizes);

/** Bytes of a WASM file's custom sections (`producers`, `target_features`, names): the browser
 *  never reads them, and the build strips them (scripts/tools/wasm-opt). */
function customSectionBytes(name) {
  const buf = readFileSync(join(pkg, name));
  const leb = (pos) => {
    let value = 0, shift = 0, byte;
    do {
      byte = buf[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return [value, pos];
  };
  let bytes = 0;
  for (let pos = 8; pos < buf.length; ) {
    const [size, body] = leb(pos + 1);
    if (buf[pos] === 0) bytes += body + size - pos;
    pos = body + size;
  }
  return bytes;
}
console.log(`== every file of the bundle (${pkg}) ==\n${header}`);
for (const s of files) console.log(row(s));
console.log(row({ ...total(files), name: 'all files' }));

/** The bundle files the page fetches from now on, in request order. */
function recordBundle(page) {
  const seen = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/pkg/')) {
      const name = url.pathname.slice('/pkg/'.length);
      if (!seen.includes(name)) seen.push(name);
    }
  });
  return seen;
}

const server = await startServer();
const browser = await launchBrowser();
let failed = false;
try {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const fetched = recordBundle(page);
  await page.goto(`${server.base}/login`);
  await hydrated(page);
  const signInFiles = fetched.slice();
  await signIn(page, server.base, 'bj.manager');
  await page.waitForURL(`${server.base}/`);
  await hydrated(page);
  await page.goto(`${server.base}/customers`);
  await hydrated(page);
  await page.locator('[data-testid=customer-list]').waitFor();
  const listFiles = fetched.slice();
  await ctx.close();

  for (const [what, names] of [
    ['an interactive sign-in page', signInFiles],
    ['an interactive customer list (sign-in, landing page, list)', listFiles],
  ]) {
    const list = names.map(sizes);
    console.log(`\n== what a newcomer downloads to reach ${what} ==\n${header}`);
    for (const s of list) console.log(row(s));
    console.log(row(total(list)));
  }
  const firstLoad = total(listFiles.map(sizes)).brotli;
  console.log(`\nfirst load: ${(firstLoad / 1000).toFixed(1)} kB brotli (budget ${FIRST_LOAD_BUDGET / 1000} kB)`);
  if (!(firstLoad <= FIRST_LOAD_BUDGET)) {
    console.log(`FAIL: the first load is over budget`);
    failed = true;
  }
  const code = files.filter((s) => /\.(wasm|js)$/.test(s.name));
  const largest = code.reduce((a, s) => (s.brotli > a.brotli ? s : a), code[0]);
  console.log(`largest file: ${largest.name} ${(largest.brotli / 1000).toFixed(1)} kB brotli (limit ${CHUNK_LIMIT / 1000} kB)`);
  for (const s of code.filter((s) => !(s.brotli <= CHUNK_LIMIT))) {
    console.log(`FAIL: ${s.name} is over the per-chunk limit`);
    failed = true;
  }
  const withCustom = files.filter((s) => s.name.endsWith('.wasm')).map((s) => [s.name, customSectionBytes(s.name)]).filter(([, b]) => b > 0);
  const customBytes = withCustom.reduce((a, [, b]) => a + b, 0);
  console.log(`custom sections: ${customBytes} bytes in ${withCustom.length} files`);
  if (withCustom.length > 0) {
    console.log(`FAIL: WASM files still carry custom sections, e.g. ${withCustom[0][0]}`);
    failed = true;
  }
} finally {
  await browser.close();
  await server.stop();
}
process.exit(failed ? 1 : 0);
