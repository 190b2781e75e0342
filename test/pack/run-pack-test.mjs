#!/usr/bin/env node
// The packed-package test: builds, runs `npm pack`, installs the tarball into a Nest 11 CommonJS
// app and a Nest 12 ESM app (fresh temp dirs, real registry installs), starts both and checks
// their CORS headers over real HTTP.
//
//   node test/pack/run-pack-test.mjs        (npm run test:pack)
//   PACK_SKIP_BUILD=1   use the existing dist/ instead of running `npm run build`
//   PACK_KEEP=1         keep the temp dirs (their path is printed) for a look afterwards
//
// Prints one line per check and a closing `N passed, M failed`; exits 1 on any failure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES_DIR = path.join(ROOT, 'test/pack/fixtures');

const BUILD_TIMEOUT_MS = 180_000;
const PACK_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 180_000;
const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;
/** The whole run, a last resort above the per-step limits. */
const OVERALL_TIMEOUT_MS = 10 * 60_000;

const APP_ORIGIN = 'https://app.example.com';
const OTHER_ORIGIN = 'https://evil.example.net';

const FIXTURES = [
  { name: 'nest11-cjs', entry: 'app.js', type: 'commonjs', major: 11 },
  { name: 'nest12-esm', entry: 'app.mjs', type: 'module', major: 12 },
];

const started = Date.now();
let passed = 0;
let failed = 0;
/** Child processes still running, killed on the way out whatever happens. */
const children = new Set();
let tmpRoot;

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

function log(message) {
  console.log(`#    ${message}`);
}

function indent(text, max = 4000) {
  const trimmed = text.length > max ? `...${text.slice(-max)}` : text;
  return trimmed
    .trimEnd()
    .split('\n')
    .map((line) => `#      ${line}`)
    .join('\n');
}

/** The environment for child npm and node processes, without this script's npm-run variables. */
function childEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('npm_package_') || key.startsWith('npm_lifecycle_') || key === 'npm_config_local_prefix') delete env[key];
  }
  env.NO_UPDATE_NOTIFIER = '1';
  env.NO_COLOR = '1'; // plain Nest logs when an app's output is shown
  env.npm_config_update_notifier = 'false';
  return env;
}

function killTree(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // detached: the child leads its own process group
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone already */
    }
  }
}

/** Runs a command to completion, killing its process group after `timeoutMs`. */
function run(command, args, { cwd, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, timeoutMs);
    child.on('error', (error) => {
      stderr += String(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut, ms: 0 });
    });
  });
}

function describeFailure(result, timeoutMs) {
  return result.timedOut ? `timed out after ${timeoutMs / 1000}s` : `exit ${result.code ?? result.signal}`;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** One request on its own connection; resolves with status and lower-case headers. */
function request(port, method, urlPath, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS / 1000}s`)));
    req.on('error', reject);
    req.end();
  });
}

const get = (port, urlPath, origin) => request(port, 'GET', urlPath, { Origin: origin });
const preflight = (port, urlPath, origin, method = 'GET') =>
  request(port, 'OPTIONS', urlPath, { Origin: origin, 'Access-Control-Request-Method': method });

function corsHeaders(res) {
  return Object.fromEntries(Object.entries(res.headers).filter(([k]) => k.startsWith('access-control-')));
}

/** Compares a response to expectations; returns a list of mismatches (empty: all good). */
function mismatches(res, expected) {
  const problems = [];
  if (expected.status !== undefined && res.status !== expected.status) problems.push(`status ${res.status}, expected ${expected.status}`);
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const actual = res.headers[name];
    if (value === undefined) {
      if (actual !== undefined) problems.push(`${name}: ${JSON.stringify(actual)}, expected none`);
    } else if (actual !== value) {
      problems.push(`${name}: ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`);
    }
  }
  if (expected.noCors) {
    const extra = corsHeaders(res);
    if (Object.keys(extra).length > 0) problems.push(`unexpected CORS headers ${JSON.stringify(extra)}`);
  }
  if (expected.varyOrigin) {
    const vary = String(res.headers.vary ?? '').toLowerCase().split(/\s*,\s*/);
    if (!vary.includes('origin')) problems.push(`vary: ${JSON.stringify(res.headers.vary)}, expected it to include Origin`);
  }
  if (expected.bodyIncludes && !res.body.includes(expected.bodyIncludes)) {
    problems.push(`body ${JSON.stringify(res.body.slice(0, 200))}, expected it to include ${JSON.stringify(expected.bodyIncludes)}`);
  }
  return problems;
}

async function expectResponse(name, send, expected) {
  let res;
  try {
    res = await send();
  } catch (error) {
    return check(name, false, String(error?.message ?? error));
  }
  const problems = mismatches(res, expected);
  return check(name, problems.length === 0, problems.join('; '));
}

// ---------------------------------------------------------------------------------------------
// Steps

async function buildAndPack() {
  if (process.env.PACK_SKIP_BUILD === '1') {
    log('PACK_SKIP_BUILD=1: using the existing dist/');
    if (!check('dist/index.js exists (PACK_SKIP_BUILD=1)', fs.existsSync(path.join(ROOT, 'dist/index.js')), 'run `npm run build` first')) return undefined;
  } else {
    const t0 = Date.now();
    const build = await run('npm', ['run', 'build'], { cwd: ROOT, timeoutMs: BUILD_TIMEOUT_MS });
    const ok = check(`npm run build (${seconds(Date.now() - t0)})`, build.code === 0 && !build.timedOut, describeFailure(build, BUILD_TIMEOUT_MS));
    if (!ok) {
      console.log(indent(build.stdout + build.stderr));
      return undefined;
    }
  }

  const t0 = Date.now();
  const pack = await run('npm', ['pack', '--json', '--pack-destination', tmpRoot], { cwd: ROOT, timeoutMs: PACK_TIMEOUT_MS });
  if (!check(`npm pack (${seconds(Date.now() - t0)})`, pack.code === 0 && !pack.timedOut, describeFailure(pack, PACK_TIMEOUT_MS))) {
    console.log(indent(pack.stdout + pack.stderr));
    return undefined;
  }
  // --json prints an array; lifecycle scripts (a future prepack) may print before it.
  const jsonStart = pack.stdout.search(/^\[/m);
  let info;
  try {
    info = JSON.parse(pack.stdout.slice(jsonStart))[0];
  } catch (error) {
    check('npm pack --json output parses', false, String(error));
    console.log(indent(pack.stdout));
    return undefined;
  }
  const tarball = path.join(tmpRoot, info.filename);
  const files = info.files.map((f) => f.path);
  log(`tarball ${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked`);
  check('tarball exists', fs.existsSync(tarball), tarball);
  const required = ['package.json', 'dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE'];
  const missing = required.filter((f) => !files.includes(f));
  check(`tarball has ${required.join(', ')}`, missing.length === 0, `missing ${missing.join(', ')}`);
  // lib/ ships so that the source maps in dist/ resolve.
  const allowed = /^(dist\/|lib\/.*\.ts$|package\.json$|README\.md$|LICENSE$)/;
  const stray = files.filter((f) => !allowed.test(f));
  check('tarball holds nothing outside dist/, lib/*.ts, package.json, README.md, LICENSE', stray.length === 0, `found ${stray.slice(0, 10).join(', ')}`);
  return { tarball, version: info.version };
}

function writeFixture(fixture, tarball) {
  const dir = path.join(tmpRoot, fixture.name);
  fs.cpSync(path.join(FIXTURES_DIR, fixture.name), dir, { recursive: true });
  const nest = `^${fixture.major}.0.0`;
  const pkg = {
    name: `pack-test-${fixture.name}`,
    version: '0.0.0',
    private: true,
    type: fixture.type,
    dependencies: {
      '@nestjs/common': nest,
      '@nestjs/core': nest,
      '@nestjs/platform-express': nest,
      'nestjs-route-cors': `file:${tarball}`,
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.1',
    },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return dir;
}

async function install(fixture, dir) {
  const t0 = Date.now();
  const result = await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: INSTALL_TIMEOUT_MS });
  return { result, ms: Date.now() - t0 };
}

function readVersion(dir, pkgName) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkgName, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Starts the fixture app; resolves once it prints its port (or fails, or runs out of time). */
function startApp(dir, entry) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { cwd: dir, env: childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const app = { child, output: '', info: undefined, exited: undefined };
    let settled = false;
    const settle = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ app, error });
    };
    const timer = setTimeout(() => settle(`did not report its port within ${START_TIMEOUT_MS / 1000}s`), START_TIMEOUT_MS);
    let pending = '';
    child.stdout.on('data', (d) => {
      app.output += d;
      pending += d;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        const match = /PACK_APP_READY (.*)$/.exec(line);
        if (match) {
          try {
            app.info = JSON.parse(match[1]);
            settle();
          } catch (error) {
            settle(`unreadable ready line: ${line}`);
          }
        }
      }
    });
    child.stderr.on('data', (d) => (app.output += d));
    child.on('error', (error) => settle(String(error)));
    child.on('exit', (code, signal) => {
      app.exited = { code, signal };
      children.delete(child);
      settle(`exited (${code ?? signal}) before listening`);
    });
  });
}

/** SIGTERM (the app closes and exits 0), SIGKILL after STOP_TIMEOUT_MS. */
function stopApp(app) {
  return new Promise((resolve) => {
    if (app.exited) return resolve(app.exited);
    const timer = setTimeout(() => killTree(app.child), STOP_TIMEOUT_MS);
    app.child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    try {
      app.child.kill('SIGTERM');
    } catch {
      /* gone already */
    }
  });
}

async function httpChecks(label, port) {
  await expectResponse(`${label} preflight OPTIONS /feed from ${APP_ORIGIN}: 204, ACAO = the origin, ACAC = true`, () => preflight(port, '/feed', APP_ORIGIN), {
    status: 204,
    headers: { 'access-control-allow-origin': APP_ORIGIN, 'access-control-allow-credentials': 'true' },
    varyOrigin: true,
  });
  await expectResponse(`${label} GET /feed from ${APP_ORIGIN}: 200, ACAO = the origin, ACAC = true`, () => get(port, '/feed', APP_ORIGIN), {
    status: 200,
    headers: { 'access-control-allow-origin': APP_ORIGIN, 'access-control-allow-credentials': 'true' },
    varyOrigin: true,
    bodyIncludes: '"items"',
  });
  await expectResponse(`${label} GET /feed from ${OTHER_ORIGIN} (not allowed): 200, no CORS headers`, () => get(port, '/feed', OTHER_ORIGIN), {
    status: 200,
    noCors: true,
    bodyIncludes: '"items"',
  });
  await expectResponse(`${label} preflight OPTIONS /feed from ${OTHER_ORIGIN} (not allowed): 403, no CORS headers`, () => preflight(port, '/feed', OTHER_ORIGIN), {
    status: 403,
    noCors: true,
  });
  await expectResponse(`${label} GET /public (@Cors('public') on the controller) from ${OTHER_ORIGIN}: ACAO = *, no ACAC`, () => get(port, '/public', OTHER_ORIGIN), {
    status: 200,
    headers: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': undefined },
    bodyIncludes: '"public"',
  });
  await expectResponse(`${label} preflight OPTIONS /public from ${APP_ORIGIN}: 204, ACAO = *`, () => preflight(port, '/public', APP_ORIGIN), {
    status: 204,
    headers: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': undefined },
  });
  await expectResponse(`${label} GET /feed/open (@Cors('public') on the handler) from ${OTHER_ORIGIN}: ACAO = *`, () => get(port, '/feed/open', OTHER_ORIGIN), {
    status: 200,
    headers: { 'access-control-allow-origin': '*' },
    bodyIncludes: '"open"',
  });
  await expectResponse(`${label} GET /internal (@Cors(false)) from ${APP_ORIGIN}: 200, no CORS headers`, () => get(port, '/internal', APP_ORIGIN), {
    status: 200,
    noCors: true,
    bodyIncludes: '"up"',
  });
  await expectResponse(`${label} preflight OPTIONS /internal (@Cors(false)) from ${APP_ORIGIN}: 403, no CORS headers`, () => preflight(port, '/internal', APP_ORIGIN), {
    status: 403,
    noCors: true,
  });
}

async function runFixture(fixture, dir, installed) {
  const label = `[${fixture.name}]`;
  const failedBefore = failed;
  const { result, ms } = installed;
  if (!check(`${label} npm install (${seconds(ms)})`, result.code === 0 && !result.timedOut, describeFailure(result, INSTALL_TIMEOUT_MS))) {
    console.log(indent(result.stdout + result.stderr));
    return;
  }
  const core = readVersion(dir, '@nestjs/core');
  const common = readVersion(dir, '@nestjs/common');
  const express = readVersion(dir, '@nestjs/platform-express');
  log(`${label} installed @nestjs/core ${core}, @nestjs/common ${common}, @nestjs/platform-express ${express}`);
  const majors = [core, common, express].map((v) => Number(String(v).split('.')[0]));
  check(`${label} Nest ${fixture.major}.x installed`, majors.every((m) => m === fixture.major), `core ${core}, common ${common}, platform-express ${express}`);

  const t0 = Date.now();
  const { app, error } = await startApp(dir, fixture.entry);
  if (!check(`${label} app (${fixture.type}, node ${fixture.entry}) loads the package and listens (${seconds(Date.now() - t0)})`, !error, error)) {
    console.log(indent(app.output));
    await stopApp(app);
    return;
  }
  try {
    const { port, nest, library } = app.info;
    log(`${label} listening on 127.0.0.1:${port}, Nest ${nest}, nestjs-route-cors from ${library}`);
    const installedDir = fs.realpathSync(path.join(dir, 'node_modules/nestjs-route-cors'));
    const resolved = fs.realpathSync(library);
    check(
      `${label} nestjs-route-cors resolves to the installed tarball, not the repo`,
      resolved.startsWith(installedDir + path.sep) && !resolved.startsWith(ROOT + path.sep),
      `resolved ${resolved}`,
    );
    await httpChecks(label, port);
  } finally {
    const beforeStop = app.output.length;
    const exit = await stopApp(app);
    if (!check(`${label} app exits on SIGTERM`, exit.code === 0, `exit ${exit.code ?? exit.signal}`)) console.log(indent(app.output.slice(beforeStop)));
    if (failed > failedBefore) {
      log(`${label} app output:`);
      console.log(indent(app.output));
    }
  }
}

async function main() {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nestjs-route-cors-pack-'));
  log(`node ${process.version}, temp dir ${tmpRoot}`);
  const packed = await buildAndPack();
  if (!packed) return;
  const repoVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  check('tarball version matches package.json', packed.version === repoVersion, `${packed.version} vs ${repoVersion}`);

  const dirs = FIXTURES.map((fixture) => writeFixture(fixture, packed.tarball));
  log(`installing ${FIXTURES.map((f) => f.name).join(' and ')} in parallel (up to ${INSTALL_TIMEOUT_MS / 1000}s each)`);
  const installs = await Promise.all(FIXTURES.map((fixture, i) => install(fixture, dirs[i])));
  for (const [i, fixture] of FIXTURES.entries()) await runFixture(fixture, dirs[i], installs[i]);
}

function cleanUp() {
  for (const child of children) killTree(child);
  children.clear();
  if (!tmpRoot) return;
  if (process.env.PACK_KEEP === '1') {
    log(`PACK_KEEP=1: kept ${tmpRoot}`);
    return;
  }
  try {
    fs.rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 3 });
  } catch (error) {
    log(`could not remove ${tmpRoot}: ${error.message}`);
  }
}

function finish(code) {
  cleanUp();
  log(`took ${seconds(Date.now() - started)}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed > 0 ? 1 : 0));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    check(`interrupted by ${signal}`, false);
    finish(1);
  });
}
setTimeout(() => {
  check(`whole run within ${OVERALL_TIMEOUT_MS / 60_000} minutes`, false, 'overall time limit reached');
  finish(1);
}, OVERALL_TIMEOUT_MS).unref();

main().then(
  () => finish(),
  (error) => {
    check('pack test ran to completion', false, error?.stack ?? String(error));
    finish(1);
  },
);
