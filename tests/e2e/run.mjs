#!/usr/bin/env node
// tests/e2e/run.mjs - the browser tests: a demo database, a server on a free
// port, one headless Debian chromium (through playwright-core from
// web/node_modules), and every test of tests/e2e/*.test.mjs in order.
//
//   node tests/e2e/run.mjs [SUBSTRING]   only the tests whose name contains it
//
// Environment: NSATU_BIN (default build/nsatu), CHROMIUM (/usr/bin/chromium),
// E2E_TIMEOUT (seconds per test, 60).
//
// A test file exports its tests:
//   export default [{ name, fn: async ({ page, context, base, login, api,
//                     token, shot, users, tablet, skip, allowConsoleError }) => {} }]
// and a test may also set viewport (or tablet: true), contextOptions, and
// allowConsoleErrors: [RegExp|string] for console errors it expects.
//
// Prints "ok N - name" / "not ok N - name" and ends with one line
// "e2e: N passed, M failed" (read by tests/run); exits 1 when any failed.

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, openSync, closeSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as lib from './lib.mjs';

export * from './lib.mjs';

const { ROOT, OUT, state, users, VIEWPORT, TABLET, Skip } = lib;
const HERE = fileURLToPath(new URL('.', import.meta.url));
const NSATU = process.env.NSATU_BIN || 'build/nsatu';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TEST_TIMEOUT_MS = (Number(process.env.E2E_TIMEOUT) || 60) * 1000;
const WEB_DIR = 'build/web';

// Debian's chromium as root on a closed network: no sandbox (root), no GPU,
// nothing that phones home (QUIC, background networking, component updates,
// sync); Playwright adds a fresh empty --user-data-dir of its own.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// After the summary line (a signal may end the run while start-up goes on)
// anything more goes to stderr.
const log = (...a) => (summaryPrinted ? console.error(...a) : console.log(...a));
const note = (s) => log('# ' + String(s).replace(/\n/g, '\n# '));
const secs = (t0) => ((performance.now() - t0) / 1000).toFixed(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let tmp = null;
let server = null;          // the nsatu serve child process
let serverExit = null;      // {code, signal} once it exited
let browser = null;
let launching = null;       // chromium.launch() under way
let passed = 0, failed = 0, skipped = 0;
let summaryPrinted = false;
let aborting = false;       // a signal: no more tests, no more results
let times = [];             // [seconds, name] per test
let failCurrent = null;     // fails the running test (an uncaught error in its callbacks)

function summary() {
  if (summaryPrinted) return;
  if (times.length) {
    const total = times.reduce((a, [s]) => a + s, 0);
    const [slow, slowName] = times.reduce((a, b) => (b[0] > a[0] ? b : a));
    note(`${times.length} test(s) in ${total.toFixed(1)} s; the slowest ${slow.toFixed(1)} s: ${slowName}`);
  }
  if (skipped) note(`${skipped} skipped`);
  log(`e2e: ${passed} passed, ${failed} failed`);
  summaryPrinted = true;
}

// ---- tests ---------------------------------------------------------------

async function discover(filter) {
  const files = readdirSync(HERE).filter((f) => f.endsWith('.test.mjs')).sort();
  const tests = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(join(HERE, f)).href);
    const list = mod.default ?? mod.tests;
    if (!Array.isArray(list)) throw new Error(`${f}: export default an array of {name, fn}`);
    for (const t of list) {
      if (!t || typeof t.name !== 'string' || typeof t.fn !== 'function')
        throw new Error(`${f}: every test needs a name and an fn`);
      tests.push({ ...t, file: f });
    }
  }
  const names = new Set();
  for (const t of tests) {
    if (names.has(t.name)) throw new Error(`two tests are named "${t.name}"`);
    names.add(t.name);
  }
  return filter ? tests.filter((t) => t.name.includes(filter)) : tests;
}

// ---- the server ----------------------------------------------------------

function run(cmd, args, logFile, timeoutMs) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
  if (logFile) writeFileSync(logFile, (r.stdout || '') + (r.stderr || ''));
  return r;
}

async function startServer() {
  if (!existsSync(join(ROOT, NSATU))) throw new Error(`${NSATU} is missing; run make first`);
  const db = join(tmp, 'demo.db');
  const portFile = join(tmp, 'port');
  let t0 = performance.now();
  const demo = run(NSATU, ['demo', '--db', db], OUT + 'demo.log', 120000);
  if (demo.status !== 0)
    throw new Error(`${NSATU} demo failed (${demo.error || 'exit ' + demo.status}):\n${(demo.stderr || '').slice(-2000)}`);
  note(`demo data loaded in ${secs(t0)} s`);

  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile];
  const help = spawnSync(NSATU, ['serve', '--help'], { cwd: ROOT, encoding: 'utf8' });
  if (/--web\b/.test((help.stdout || '') + (help.stderr || ''))) {
    // nsatu refuses to start with a --web folder that is not there.
    if (existsSync(join(ROOT, WEB_DIR))) args.push('--web', WEB_DIR);
    else note(`warning: ${WEB_DIR} is missing (make web); serving the API only`);
  } else {
    note(`${NSATU} serve has no --web option yet; serving the API only`);
  }
  t0 = performance.now();
  mkdirSync(OUT, { recursive: true });
  const logFd = openSync(OUT + 'server.log', 'w');
  server = spawn(NSATU, args, { cwd: ROOT, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  server.on('exit', (code, signal) => { serverExit = { code, signal }; });
  server.on('error', (e) => { serverExit = { code: null, signal: null, error: e }; });

  const deadline = Date.now() + 30000;
  let port = null;
  while (Date.now() < deadline) {
    if (serverExit) throw new Error(`the server exited at start-up (${describeExit()}):\n${serverLogTail()}`);
    if (!port) {
      try { port = readFileSync(portFile, 'utf8').trim() || null; } catch { /* not yet */ }
    }
    if (port) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) {
          state.base = `http://127.0.0.1:${port}`;
          note(`server ${state.base} (${args.slice(1).join(' ')}) answered /healthz in ${secs(t0)} s; log: tests/out/e2e/server.log`);
          return;
        }
      } catch { /* not yet */ }
    }
    await sleep(50);
  }
  throw new Error(`the server did not answer /healthz within 30 s:\n${serverLogTail()}`);
}

function describeExit() {
  if (!serverExit) return 'running';
  if (serverExit.error) return String(serverExit.error.message);
  return serverExit.signal ? `signal ${serverExit.signal}` : `exit ${serverExit.code}`;
}

function serverLogTail(lines = 20) {
  try {
    return readFileSync(OUT + 'server.log', 'utf8').trimEnd().split('\n').slice(-lines).map((l) => '  | ' + l).join('\n');
  } catch { return '  (no server log)'; }
}

async function stopServer() {
  const p = server;
  if (!p || serverExit) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const t = setTimeout(() => { if (!serverExit) { note('server ignored SIGTERM for 10 s; SIGKILL'); p.kill('SIGKILL'); } }, 10000);
  await exited;
  clearTimeout(t);
}

// ---- the browser ---------------------------------------------------------

function loadPlaywright() {
  const require = createRequire(new URL('../../web/package.json', import.meta.url));
  try {
    return require('playwright-core');
  } catch (e) {
    throw new Error(`cannot load playwright-core from web/node_modules (${e.code || e.message}); run scripts/deps or (cd web && npm ci)`);
  }
}

// Chromium's processes, to wait for them at the end: the browser's process
// group (Playwright starts it detached) and the crash handlers, which leave
// that group (setsid) but name our XDG_CONFIG_HOME in their command lines.
let browserPgrp = 0;
const browserPids = new Set();

function processes() {
  const list = [];
  for (const d of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [st, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let cmd = '';
      try { cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8'); } catch { /* a zombie */ }
      list.push({ pid: Number(d), state: st, ppid: Number(ppid), pgrp: Number(pgrp), cmd });
    } catch { /* gone */ }
  }
  return list;
}

function noteBrowserProcesses() {
  const all = processes();
  if (!browserPgrp) {
    const b = all.find((p) => p.ppid === process.pid && p.cmd.includes('chrom'));
    if (b) browserPgrp = b.pid;
  }
  for (const p of all)
    if ((browserPgrp && p.pgrp === browserPgrp) || (tmp && p.cmd.includes(join(tmp, 'xdg-config')))) browserPids.add(p.pid);
}

async function waitForBrowserProcesses(ms) {
  if (process.env.E2E_DEBUG) console.error(`# chromium: process group ${browserPgrp}, processes ${[...browserPids].join(' ')}`);
  if (!browserPids.size && !browserPgrp) return;
  const deadline = Date.now() + ms;
  let left = [];
  for (;;) {
    left = processes().filter((p) => browserPids.has(p.pid) || (browserPgrp && p.pgrp === browserPgrp));
    if (!left.length) return;
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  for (const p of left) if (p.state !== 'Z') { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
  note(`chromium processes still there after ${ms / 1000} s: ${left.map((p) => p.pid + (p.state === 'Z' ? ' (zombie)' : '')).join(', ')}`);
}

async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; run scripts/deps (apt package chromium)`);
  const { chromium } = loadPlaywright();
  const t0 = performance.now();
  launching = chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    // This script stops the server and the browser itself on signals.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    timeout: 60000,
    // Crash reports and caches in the temporary folder, not ~/.config/chromium.
    env: { ...process.env, XDG_CONFIG_HOME: join(tmp, 'xdg-config'), XDG_CACHE_HOME: join(tmp, 'xdg-cache') },
  });
  browser = await launching;
  noteBrowserProcesses();
  note(`chromium ${browser.version()} launched in ${secs(t0)} s`);
}

// ---- one test ------------------------------------------------------------

function matches(allow, text) {
  return allow.some((a) => (a instanceof RegExp ? a.test(text) : text.includes(a)));
}

async function runTest(t, n) {
  const problems = [];
  const allow = [...(t.allowConsoleErrors || [])];
  const contexts = [];
  const t0 = performance.now();

  const watch = (context) => {
    contexts.push(context);
    context.setDefaultTimeout(15000);
    context.setDefaultNavigationTimeout(30000);
    context.on('page', (page) => {
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const loc = m.location();
        const where = loc && loc.url ? ` (${loc.url}${loc.lineNumber ? ':' + loc.lineNumber : ''})` : '';
        problems.push({ text: m.text(), msg: `console error: ${m.text()}${where}` });
      });
      page.on('pageerror', (e) => problems.push({ text: String(e.message), msg: `uncaught exception in the page: ${e.stack || e.message}` }));
    });
    context.on('response', (r) => {
      if (r.status() >= 500) problems.push({ text: '', msg: `HTTP ${r.status()} ${r.request().method()} ${r.url()}`, always: true });
    });
    return context;
  };
  const newContext = async (opts = {}) =>
    watch(await browser.newContext({ viewport: VIEWPORT, baseURL: state.base, ...opts }));
  const tablet = async (opts = {}) => {
    const context = await newContext({ viewport: TABLET, hasTouch: true, ...opts });
    return context.newPage();
  };

  let error = null;
  let skipReason = null;
  let page = null;
  let timer = null;
  try {
    if (serverExit) throw new Error(`the server is not running (${describeExit()})`);
    const viewport = t.viewport || (t.tablet ? TABLET : VIEWPORT);
    const context = await newContext({ viewport, ...(t.contextOptions || {}) });
    page = await context.newPage();
    const ctx = {
      ...lib, page, context, browser, base: state.base, users,
      tablet, newContext,
      allowConsoleError: (re) => allow.push(re),
    };
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS);
    });
    const crashed = new Promise((_, reject) => { failCurrent = reject; });
    await Promise.race([Promise.resolve().then(() => t.fn(ctx)), timeout, crashed]);
    await sleep(50);   // late console messages of the last action
  } catch (e) {
    if (e instanceof Skip) skipReason = e.message || 'skipped';
    else error = e;
  } finally {
    clearTimeout(timer);
    failCurrent = null;
  }
  if (aborting) return;

  const bad = problems.filter((p) => p.always || !matches(allow, p.text));
  if (!error && !skipReason && bad.length) error = new Error(`${bad.length} browser error(s)`);
  if (serverExit && !error) error = new Error(`the server exited during the test (${describeExit()})`);

  if (error) {
    // Every page the test opened, before its contexts close.
    const pages = contexts.flatMap((c) => c.pages());
    for (let i = 0; i < pages.length; i++) {
      const name = `FAIL-${lib.fileName(t.name)}${i ? '-' + (i + 1) : ''}`;
      try {
        const p = await Promise.race([lib.shot(pages[i], name), sleep(10000).then(() => null)]);
        if (p) note(`screenshot: tests/out/e2e/${name}.png`);
      } catch (e) { note(`no screenshot (${e.message.split('\n')[0]})`); }
    }
  }
  for (const c of contexts) await c.close().catch(() => {});

  if (aborting) return;
  const took = Number(secs(t0));
  times.push([took, t.name]);
  if (skipReason) {
    skipped++;
    log(`ok ${n} - ${t.name} # SKIP ${skipReason}`);
  } else if (error) {
    failed++;
    log(`not ok ${n} - ${t.name}`);
    note(`  after ${took} s`);
    note(`  ${t.file}: ${error.stack || error}`.replace(/\n/g, '\n  '));
    for (const p of bad) note(`  ${p.msg}`);
    if (serverExit) note(`  the server exited (${describeExit()}):\n${serverLogTail()}`);
  } else {
    passed++;
    log(`ok ${n} - ${t.name}`);
  }
}

// ---- clean-up, whatever happens -----------------------------------------

let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    if (launching && !browser) {   // interrupted while chromium starts
      browser = await Promise.race([launching.catch(() => null), sleep(15000).then(() => null)]);
    }
    if (browser) {
      noteBrowserProcesses();
      await Promise.race([browser.close().catch(() => {}), sleep(10000)]);
    }
    await stopServer().catch(() => {});
    // Chromium's helpers outlive the browser briefly (reaped by init).
    await waitForBrowserProcesses(10000);
    if (tmp) { rmSync(tmp, { recursive: true, force: true }); tmp = null; }
  })();
  return cleaning;
}

function abort(why, code) {
  if (aborting) return;
  aborting = true;
  note(why);
  failed++;
  summary();
  // Playwright's own exit handler kills chromium's process group if it still runs.
  const t = setTimeout(() => process.exit(code), 15000);
  cleanup().finally(() => { clearTimeout(t); process.exit(code); });
}

async function main() {
  const filter = process.argv.slice(2).find((a) => !a.startsWith('-')) || '';
  mkdirSync(OUT, { recursive: true });
  const tests = await discover(filter);
  if (!tests.length) {
    if (filter) {
      note(`no test name contains "${filter}"`);
      failed++;
    }
    summary();
    return failed ? 1 : 0;
  }
  for (const t of tests) {
    for (const f of readdirSync(OUT))
      if (f.startsWith(`FAIL-${lib.fileName(t.name)}`) && f.endsWith('.png')) unlinkSync(OUT + f);
  }

  const t0 = performance.now();
  tmp = mkdtempSync(join(tmpdir(), 'nsatu-e2e-'));
  try {
    await startServer();
    await launchBrowser();
  } catch (e) {
    if (aborting) return 1;
    note(`start-up failed: ${e.message}`);
    failed++;
    summary();
    return 1;
  }
  note(`start-up took ${secs(t0)} s; ${tests.length} test(s)${filter ? ` matching "${filter}"` : ''}`);
  log(`1..${tests.length}`);
  let n = 0;
  for (const t of tests) {
    if (aborting) return new Promise(() => {});   // abort() exits
    await runTest(t, ++n);
  }
  summary();
  return failed ? 1 : 0;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  process.on('SIGINT', () => abort('interrupted (SIGINT)', 130));
  process.on('SIGTERM', () => abort('terminated (SIGTERM)', 143));
  process.on('SIGHUP', () => abort('hung up (SIGHUP)', 129));
  // An error thrown in a test's callbacks fails that test; between tests
  // (a timed-out test still running) it counts as one more failure.
  const stray = (what) => (e) => {
    const err = new Error(`${what}: ${(e && e.stack) || e}`);
    if (failCurrent) failCurrent(err);
    else if (!aborting) { failed++; note(`${err.message} (outside any test; counted as a failure)`); }
  };
  process.on('uncaughtException', stray('uncaught exception'));
  process.on('unhandledRejection', stray('unhandled rejection'));
  // Last resort (process.exit from anywhere): no server left behind.
  process.on('exit', () => {
    if (server && !serverExit) { try { server.kill('SIGKILL'); } catch { /* gone */ } }
    if (tmp) { try { rmSync(tmp, { recursive: true, force: true }); } catch { /* ignore */ } }
  });
  main().then(
    async (code) => { if (aborting) return; await cleanup(); process.exit(code); },
    (e) => abort(`error: ${e.stack || e}`, 1),
  );
}
