#!/usr/bin/env node
// The packed-package test. Builds once and packs once, then:
//   1. checks the tarball's contents, the size of each build, and runs @arethetypeswrong/cli
//      (node10, node16 from CJS and from ESM, bundler) and publint (--strict) on the tarball;
//   2. installs the tarball into six real application projects (test/pack/apps/<name>, copied to
//      a temp dir; real registry installs) and runs their own scripts and test runners:
//        nest11-cjs-jest    Nest 11, CommonJS, Jest + ts-jest (the `nest new` layout of Nest 11)
//        nest11-cjs-node    Nest 11, CommonJS, tsc, node --test, then `node dist/main.js` over HTTP
//        nest12-esm-vitest  Nest 12, ESM, Vitest (unplugin-swc)
//        nest12-esm-jest    Nest 12, ESM, Jest in ESM mode (@swc/jest, --experimental-vm-modules)
//        nest12-esm-node    Nest 12, ESM, tsc, node --test, then `node dist/main.js` over HTTP
//        nest12-esm-fastify Nest 12, ESM, @nestjs/platform-fastify (Fastify 5), tsc, node --test
//                           (app.inject() and supertest), then `node dist/main.js` over HTTP
//      Each app's package.json has no nestjs-route-cors dependency: this script adds the tarball.
//
//   node test/pack/run-pack-test.mjs        (npm run test:pack)
//   PACK_SKIP_BUILD=1   use the existing dist/ instead of running `npm run build`
//   PACK_KEEP=1         keep the temp dir (its path is printed) for a look afterwards
//   PACK_ONLY=a,b       run only these apps (names as above)
//   PACK_JOBS=n         apps run at most n at a time (default 2)
//
// Prints one line per check (apps' lines together, once each app is done) and a closing
// `N passed, M failed`; exits 1 on any failure. The apps' own output is shown (indented, after
// `#`) only when one of their steps fails.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APPS_DIR = path.join(ROOT, 'test/pack/apps');
const BIN = path.join(ROOT, 'node_modules/.bin');

const BUILD_TIMEOUT_MS = 180_000;
const PACK_TIMEOUT_MS = 120_000;
const LINT_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 240_000;
const STEP_TIMEOUT_MS = 180_000;
const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;
/** The whole run, a last resort above the per-step limits. */
const OVERALL_TIMEOUT_MS = 15 * 60_000;

const APP_ORIGIN = 'https://app.example.com';
const OTHER_ORIGIN = 'https://evil.example.net';
const TOKEN = 'valid-token';

/**
 * The application projects. `steps`: npm scripts run in order (each must exit 0, and a test script
 * must report at least one passed test and no failed one). `serve`: started with node and probed
 * over HTTP afterwards. `tools`: packages whose installed version is printed. `platform`: Nest's
 * HTTP platform, `express` unless given; `fastify` apps must also get Fastify `fastifyMajor`.x.
 */
const APPS = [
  { name: 'nest11-cjs-jest', major: 11, steps: ['build', 'test', 'test:e2e'], tools: ['jest', 'ts-jest', 'typescript'] },
  { name: 'nest11-cjs-node', major: 11, steps: ['build', 'test', 'test:e2e'], serve: { entry: 'dist/main.js', build: 'cjs' }, tools: ['typescript'] },
  { name: 'nest12-esm-vitest', major: 12, steps: ['typecheck', 'test', 'test:e2e'], tools: ['vitest', 'vite', 'unplugin-swc', 'typescript'] },
  { name: 'nest12-esm-jest', major: 12, steps: ['typecheck', 'test', 'test:e2e'], tools: ['jest', '@swc/jest', 'typescript'] },
  { name: 'nest12-esm-node', major: 12, steps: ['build', 'test', 'test:e2e'], serve: { entry: 'dist/main.js', build: 'esm' }, tools: ['typescript'] },
  {
    name: 'nest12-esm-fastify',
    major: 12,
    platform: 'fastify',
    fastifyMajor: 5,
    steps: ['build', 'test', 'test:e2e'],
    serve: { entry: 'dist/main.js', build: 'esm' },
    tools: ['fastify', 'find-my-way', 'typescript'],
  },
];

const started = Date.now();
let passed = 0;
let failed = 0;
/** Child processes still running, killed on the way out whatever happens. */
const children = new Set();
let tmpRoot;

/** Lines are printed at once, or kept for an app and printed together when it is done. */
class Reporter {
  /** Buffered reporters not yet flushed: printed by finish() if the run ends early. */
  static pending = new Set();

  constructor(prefix = '', buffered = false) {
    this.prefix = prefix;
    this.buffered = buffered;
    this.lines = [];
    this.failedHere = 0;
    if (buffered) Reporter.pending.add(this);
  }
  print(text) {
    if (this.buffered) this.lines.push(text);
    else console.log(text);
  }
  check(name, ok, detail) {
    if (ok) {
      passed++;
      this.print(`ok   ${this.prefix}${name}`);
    } else {
      failed++;
      this.failedHere++;
      this.print(`FAIL ${this.prefix}${name}${detail ? `: ${detail}` : ''}`);
    }
    return ok;
  }
  log(message) {
    this.print(`#    ${this.prefix}${message}`);
  }
  output(text, max) {
    this.print(indent(text, max));
  }
  flush() {
    if (this.lines.length > 0) console.log(this.lines.join('\n'));
    this.lines = [];
    Reporter.pending.delete(this);
  }
}

const main = new Reporter();

/** Indented after `#`: never mistaken for a check line or for a runner's own "Tests: ..." summary. */
function indent(text, max = 6000) {
  const trimmed = text.length > max ? `...${text.slice(-max)}` : text;
  return trimmed
    .trimEnd()
    .split('\n')
    .map((line) => `#      ${line}`)
    .join('\n');
}

/** The environment for child npm and node processes, without this script's npm-run variables. */
function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('npm_package_') || key.startsWith('npm_lifecycle_') || key === 'npm_config_local_prefix' || key === 'INIT_CWD') delete env[key];
  }
  delete env.NODE_OPTIONS; // each app sets its own (Jest's --experimental-vm-modules)
  env.NO_UPDATE_NOTIFIER = '1';
  env.NO_COLOR = '1'; // plain Nest logs and test-runner summaries
  env.FORCE_COLOR = '0';
  env.CI = '1'; // test runners: no watch mode, no interactive output
  env.npm_config_update_notifier = 'false';
  return { ...env, ...extra };
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
function run(command, args, { cwd, timeoutMs, env }) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(command, args, { cwd, env: env ?? childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - t0, ok: code === 0 && !timedOut });
    });
  });
}

function describeFailure(result, timeoutMs) {
  return result.timedOut ? `timed out after ${timeoutMs / 1000}s` : `exit ${result.code ?? result.signal}`;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

function kB(bytes) {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function readVersion(dir, pkgName) {
  try {
    return readJson(path.join(dir, 'node_modules', pkgName, 'package.json')).version;
  } catch {
    return undefined;
  }
}

function filesUnder(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

// ---------------------------------------------------------------------------------------------
// Build, pack, package checks

/** Size of a build directory: all files, and its .js, .d.ts and .map files apart. */
function buildSize(dir) {
  const size = { all: 0, js: 0, dts: 0, map: 0, files: 0 };
  for (const file of filesUnder(dir)) {
    const bytes = fs.statSync(file).size;
    size.all += bytes;
    size.files++;
    if (file.endsWith('.map')) size.map += bytes;
    else if (file.endsWith('.d.ts')) size.dts += bytes;
    else if (file.endsWith('.js')) size.js += bytes;
  }
  return size;
}

async function build() {
  if (process.env.PACK_SKIP_BUILD === '1') {
    main.log('PACK_SKIP_BUILD=1: using the existing dist/');
    const missing = ['dist/esm/index.js', 'dist/cjs/index.js'].filter((f) => !fs.existsSync(path.join(ROOT, f)));
    return main.check('dist/esm and dist/cjs exist (PACK_SKIP_BUILD=1)', missing.length === 0, `missing ${missing.join(', ')}; run \`npm run build\` first`);
  }
  main.log('$ npm run build');
  const result = await run('npm', ['run', 'build'], { cwd: ROOT, timeoutMs: BUILD_TIMEOUT_MS });
  if (!main.check(`npm run build (${seconds(result.ms)})`, result.ok, describeFailure(result, BUILD_TIMEOUT_MS))) {
    main.output(result.stdout + result.stderr);
    return false;
  }
  return true;
}

function reportBuildSizes() {
  for (const format of ['esm', 'cjs']) {
    const s = buildSize(path.join(ROOT, 'dist', format));
    main.log(`dist/${format}: ${s.files} files, ${kB(s.all)} (JavaScript ${kB(s.js)}, declarations ${kB(s.dts)}, source maps ${kB(s.map)})`);
  }
  const cjsType = (() => {
    try {
      return readJson(path.join(ROOT, 'dist/cjs/package.json')).type;
    } catch {
      return undefined;
    }
  })();
  main.check('dist/cjs/package.json says {"type": "commonjs"}', cjsType === 'commonjs', `type ${JSON.stringify(cjsType)}`);
}

async function pack() {
  main.log(`$ npm pack --json --pack-destination ${tmpRoot}`);
  const result = await run('npm', ['pack', '--json', '--pack-destination', tmpRoot], { cwd: ROOT, timeoutMs: PACK_TIMEOUT_MS });
  if (!main.check(`npm pack (${seconds(result.ms)})`, result.ok, describeFailure(result, PACK_TIMEOUT_MS))) {
    main.output(result.stdout + result.stderr);
    return undefined;
  }
  // --json prints an array; lifecycle scripts (a future prepack) may print before it.
  let info;
  try {
    info = JSON.parse(result.stdout.slice(result.stdout.search(/^\[/m)))[0];
  } catch (error) {
    main.check('npm pack --json output parses', false, String(error));
    main.output(result.stdout);
    return undefined;
  }
  const tarball = path.join(tmpRoot, info.filename);
  const files = info.files.map((f) => f.path);
  main.log(`tarball ${info.filename}: ${files.length} files, ${kB(info.size)} packed, ${kB(info.unpackedSize)} unpacked`);
  main.check('tarball exists', fs.existsSync(tarball), tarball);
  const repoVersion = readJson(path.join(ROOT, 'package.json')).version;
  main.check('tarball version matches package.json', info.version === repoVersion, `${info.version} vs ${repoVersion}`);

  const entries = ['index', 'core/index'].flatMap((e) => ['esm', 'cjs'].flatMap((f) => [`dist/${f}/${e}.js`, `dist/${f}/${e}.d.ts`]));
  const required = ['package.json', 'README.md', 'LICENSE', 'dist/cjs/package.json', ...entries];
  const missing = required.filter((f) => !files.includes(f));
  main.check(
    `tarball has package.json, README.md, LICENSE, both builds' entry points (. and ./core) and types`,
    missing.length === 0,
    `missing ${missing.join(', ')}`,
  );
  // lib/**/*.ts ships so that the source maps in dist/ resolve (npm adds the README.md of each folder it includes).
  const allowed = /^(dist\/(esm|cjs)\/|lib\/.*\.ts$|lib\/(.*\/)?README\.md$|package\.json$|README\.md$|LICENSE$)/;
  const stray = files.filter((f) => !allowed.test(f));
  main.check(
    'tarball holds nothing outside dist/esm, dist/cjs, lib/**/*.ts (and READMEs), package.json, README.md, LICENSE',
    stray.length === 0,
    `found ${stray.slice(0, 10).join(', ')}`,
  );
  const unresolved = [];
  for (const f of files.filter((f) => f.endsWith('.map'))) {
    for (const source of readJson(path.join(ROOT, f)).sources ?? []) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), source));
      if (!files.includes(target)) unresolved.push(`${f} -> ${target}`);
    }
  }
  main.check('every source map in the tarball points at a source file in the tarball', unresolved.length === 0, unresolved.slice(0, 5).join(', '));
  return { tarball, version: info.version };
}

async function packageChecks(tarball) {
  const attwArgs = [tarball, '--profile', 'strict', '--format', 'ascii', '--no-emoji', '--no-color'];
  main.log(`$ attw ${attwArgs.join(' ')}`);
  const attw = await run(path.join(BIN, 'attw'), attwArgs, { cwd: ROOT, timeoutMs: LINT_TIMEOUT_MS });
  const attwText = attw.stdout + attw.stderr;
  // One row per entry point and resolution mode in the ascii format: "node10: ..." and so on.
  const resolutions = ['node10', 'node16 (from CJS)', 'node16 (from ESM)', 'bundler'];
  const unchecked = resolutions.filter((r) => !attwText.includes(`${r}:`));
  main.output(attwText, 3000);
  main.check(
    `attw --profile strict: no problem for node10, node16 (CJS and ESM), bundler (${seconds(attw.ms)})`,
    attw.ok && /No problems found/.test(attwText) && unchecked.length === 0,
    unchecked.length > 0 ? `not checked: ${unchecked.join(', ')}` : describeFailure(attw, LINT_TIMEOUT_MS),
  );

  const publintArgs = ['run', tarball, '--strict'];
  main.log(`$ publint ${publintArgs.join(' ')}`);
  const publint = await run(path.join(BIN, 'publint'), publintArgs, { cwd: ROOT, timeoutMs: LINT_TIMEOUT_MS });
  const publintText = publint.stdout + publint.stderr;
  main.output(publintText, 3000);
  main.check(
    `publint --strict: no error, no warning (${seconds(publint.ms)})`,
    publint.ok && !/^(Errors|Warnings):/m.test(publintText),
    describeFailure(publint, LINT_TIMEOUT_MS),
  );
}

// ---------------------------------------------------------------------------------------------
// Application projects

function writeApp(app, tarball) {
  const dir = path.join(tmpRoot, app.name);
  fs.cpSync(path.join(APPS_DIR, app.name), dir, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|dist|dist-test|coverage)$/.test(src) && !src.endsWith('.tsbuildinfo'),
  });
  const pkgFile = path.join(dir, 'package.json');
  const pkg = readJson(pkgFile);
  pkg.dependencies = { ...pkg.dependencies, 'nestjs-route-cors': `file:${tarball}` };
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  return { dir, scripts: pkg.scripts ?? {} };
}

/** The test runner's closing counts: Jest's "Tests: ...", Vitest's "Tests  ...", node --test's "# pass/# fail/# cancelled". */
function testSummary(text) {
  const jest = /^Tests:\s+(.*)$/m.exec(text);
  if (jest) {
    const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(jest[1])?.[1] ?? 0);
    return { line: `Tests: ${jest[1].trim()}`, passed: count('passed'), failed: count('failed') };
  }
  const vitest = /^\s*Tests\s+(.*\d.*)$/m.exec(text);
  if (vitest) {
    const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(vitest[1])?.[1] ?? 0);
    return { line: `Tests ${vitest[1].trim()}`, passed: count('passed'), failed: count('failed') };
  }
  const pass = /^# pass (\d+)$/m.exec(text);
  const fail = /^# fail (\d+)$/m.exec(text);
  // Tests a failed before() hook kept from running are "cancelled", not "fail": counted as failed.
  const cancelled = Number(/^# cancelled (\d+)$/m.exec(text)?.[1] ?? 0);
  if (pass) {
    const line = `node --test: ${pass[1]} pass, ${fail?.[1] ?? '?'} fail${cancelled > 0 ? `, ${cancelled} cancelled` : ''}`;
    return { line, passed: Number(pass[1]), failed: Number(fail?.[1] ?? 0) + cancelled };
  }
  return undefined;
}

async function runApp(app, tarball) {
  const r = new Reporter(`[${app.name}] `, true);
  const { dir, scripts } = writeApp(app, tarball);
  try {
    r.log(`$ npm install --no-audit --no-fund   (in ${dir})`);
    const install = await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: INSTALL_TIMEOUT_MS });
    if (!r.check(`npm install (${seconds(install.ms)})`, install.ok, describeFailure(install, INSTALL_TIMEOUT_MS))) {
      r.output(install.stdout + install.stderr);
      return;
    }
    const engineWarnings = [...(install.stdout + install.stderr).matchAll(/package: '([^']+)',\s*\n\s*npm warn EBADENGINE\s+required: \{ node: '([^']+)'/g)];
    for (const [, pkgName, range] of engineWarnings) r.log(`npm warned EBADENGINE: ${pkgName} asks for node ${range} (this is ${process.version})`);

    const platform = `@nestjs/platform-${app.platform ?? 'express'}`;
    const nest = ['@nestjs/core', '@nestjs/common', platform, '@nestjs/testing'].map((p) => [p, readVersion(dir, p)]);
    const tools = app.tools.map((p) => [p, readVersion(dir, p)]);
    r.log(`installed ${[...nest, ...tools].map(([p, v]) => `${p} ${v}`).join(', ')}`);
    const wrong = nest.filter(([, v]) => Number(String(v).split('.')[0]) !== app.major);
    r.check(`Nest ${app.major}.x installed (${platform})`, wrong.length === 0, wrong.map(([p, v]) => `${p} ${v}`).join(', '));
    if (app.fastifyMajor !== undefined) {
      const fastify = readVersion(dir, 'fastify');
      r.check(`Fastify ${app.fastifyMajor}.x installed`, Number(String(fastify).split('.')[0]) === app.fastifyMajor, `fastify ${fastify}`);
    }
    await checkResolution(r, dir);

    for (const step of app.steps) {
      const command = `npm run ${step}`;
      r.log(`$ ${command}   (${scripts[step]})`);
      const result = await run('npm', ['run', step], { cwd: dir, timeoutMs: STEP_TIMEOUT_MS });
      const text = result.stdout + result.stderr;
      const summary = step.startsWith('test') ? testSummary(text) : undefined;
      let ok = result.ok;
      let detail = describeFailure(result, STEP_TIMEOUT_MS);
      if (ok && step.startsWith('test')) {
        if (!summary) [ok, detail] = [false, 'no test summary found in the output'];
        else if (summary.passed < 1 || summary.failed > 0) [ok, detail] = [false, summary.line];
      }
      if (!r.check(`${command}${summary ? `: ${summary.line}` : ''} (${seconds(result.ms)})`, ok, detail)) r.output(text);
    }

    if (app.serve) await serveAndProbe(r, dir, app.serve);
  } catch (error) {
    r.check('app project ran to completion', false, error?.stack ?? String(error));
  } finally {
    r.flush();
  }
}

/** Node's own resolution from the app dir: require -> the CommonJS build, import -> the ESM build, both from the tarball. */
async function checkResolution(r, dir) {
  const installed = fs.realpathSync(path.join(dir, 'node_modules/nestjs-route-cors'));
  // A module in the app dir: both resolutions start where the app's own code would.
  const probe = path.join(dir, '.resolve-probe.mjs');
  fs.writeFileSync(
    probe,
    [
      "import { createRequire } from 'node:module';",
      "import { fileURLToPath } from 'node:url';",
      'const require = createRequire(import.meta.url);',
      'const out = {};',
      "for (const s of ['nestjs-route-cors', 'nestjs-route-cors/core']) {",
      "  out['require ' + s] = require.resolve(s);",
      "  out['import ' + s] = fileURLToPath(import.meta.resolve(s));",
      '}',
      'console.log(JSON.stringify(out));',
      '',
    ].join('\n'),
  );
  const result = await run(process.execPath, [probe], { cwd: dir, timeoutMs: 15_000 });
  fs.rmSync(probe, { force: true });
  let resolved;
  try {
    resolved = JSON.parse(result.stdout);
  } catch {
    r.check('nestjs-route-cors resolves', false, result.stdout + result.stderr);
    return;
  }
  const expected = {
    'require nestjs-route-cors': 'dist/cjs/index.js',
    'import nestjs-route-cors': 'dist/esm/index.js',
    'require nestjs-route-cors/core': 'dist/cjs/core/index.js',
    'import nestjs-route-cors/core': 'dist/esm/core/index.js',
  };
  const wrong = Object.entries(expected).filter(([key, file]) => fs.realpathSync(resolved[key]) !== path.join(installed, file));
  r.check(
    'from the installed tarball (not the repo): require -> dist/cjs, import -> dist/esm, for . and ./core',
    wrong.length === 0 && !installed.startsWith(ROOT + path.sep),
    wrong.map(([key]) => `${key}: ${resolved[key]}`).join('; '),
  );
}

// ---------------------------------------------------------------------------------------------
// A built app, started for real and probed over HTTP

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

const get = (port, urlPath, origin, token) => request(port, 'GET', urlPath, { Origin: origin, ...(token ? { Authorization: `Bearer ${token}` } : {}) });
const preflight = (port, urlPath, origin, method = 'GET', requestHeaders) =>
  request(port, 'OPTIONS', urlPath, {
    Origin: origin,
    'Access-Control-Request-Method': method,
    ...(requestHeaders ? { 'Access-Control-Request-Headers': requestHeaders } : {}),
  });

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
    const vary = String(res.headers.vary ?? '')
      .toLowerCase()
      .split(/\s*,\s*/);
    if (!vary.includes('origin')) problems.push(`vary: ${JSON.stringify(res.headers.vary)}, expected it to include Origin`);
  }
  if (expected.bodyIncludes && !res.body.includes(expected.bodyIncludes)) {
    problems.push(`body ${JSON.stringify(res.body.slice(0, 200))}, expected it to include ${JSON.stringify(expected.bodyIncludes)}`);
  }
  return problems;
}

async function expectResponse(r, name, send, expected) {
  let res;
  try {
    res = await send();
  } catch (error) {
    return r.check(name, false, String(error?.message ?? error));
  }
  const problems = mismatches(res, expected);
  return r.check(name, problems.length === 0, problems.join('; '));
}

/** Starts `node <entry>` with PORT=0; resolves once it prints "Listening on <url>" (or fails, or runs out of time). */
function startApp(dir, entry) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { cwd: dir, env: childEnv({ PORT: '0' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const app = { child, output: '', port: undefined, exited: undefined };
    let settled = false;
    const settle = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ app, error });
    };
    const timer = setTimeout(() => settle(`did not print "Listening on" within ${START_TIMEOUT_MS / 1000}s`), START_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      app.output += d;
      const match = /Listening on http:\/\/[^\s:]+:(\d+)/.exec(app.output);
      if (match) {
        app.port = Number(match[1]);
        settle();
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

/** SIGTERM (Nest's shutdown hooks close the app, then the process ends by that signal), SIGKILL after STOP_TIMEOUT_MS. */
function stopApp(app) {
  return new Promise((resolve) => {
    if (app.exited) return resolve({ ...app.exited, killed: false });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      killTree(app.child);
    }, STOP_TIMEOUT_MS);
    app.child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, killed });
    });
    try {
      app.child.kill('SIGTERM');
    } catch {
      /* gone already */
    }
  });
}

async function httpChecks(r, port) {
  const credentialed = { 'access-control-allow-origin': APP_ORIGIN, 'access-control-allow-credentials': 'true' };
  await expectResponse(
    r,
    `preflight OPTIONS /feed (guarded, no token) from ${APP_ORIGIN}: 204, ACAO = the origin, ACAC = true, ACAH`,
    () => preflight(port, '/feed', APP_ORIGIN, 'GET', 'authorization'),
    {
      status: 204,
      headers: { ...credentialed, 'access-control-allow-headers': 'content-type,authorization' },
      varyOrigin: true,
    },
  );
  await expectResponse(
    r,
    `GET /feed without a token from ${APP_ORIGIN}: the guard's 401, with ACAO = the origin, ACAC = true`,
    () => get(port, '/feed', APP_ORIGIN),
    {
      status: 401,
      headers: credentialed,
      varyOrigin: true,
    },
  );
  await expectResponse(r, `GET /feed with a token from ${APP_ORIGIN}: 200, ACAO = the origin, ACAC = true`, () => get(port, '/feed', APP_ORIGIN, TOKEN), {
    status: 200,
    headers: credentialed,
    varyOrigin: true,
    bodyIncludes: '"items"',
  });
  await expectResponse(r, `GET /feed with a token from ${OTHER_ORIGIN} (not allowed): 200, no CORS headers`, () => get(port, '/feed', OTHER_ORIGIN, TOKEN), {
    status: 200,
    noCors: true,
    bodyIncludes: '"items"',
  });
  await expectResponse(r, `preflight OPTIONS /feed from ${OTHER_ORIGIN} (not allowed): 403, no CORS headers`, () => preflight(port, '/feed', OTHER_ORIGIN), {
    status: 403,
    noCors: true,
  });
  await expectResponse(r, `GET /public (@Cors('public') on the controller) from ${OTHER_ORIGIN}: ACAO = *, no ACAC`, () => get(port, '/public', OTHER_ORIGIN), {
    status: 200,
    headers: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': undefined },
    bodyIncludes: '"public"',
  });
  await expectResponse(r, `preflight OPTIONS /public from ${APP_ORIGIN}: 204, ACAO = *`, () => preflight(port, '/public', APP_ORIGIN), {
    status: 204,
    headers: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': undefined },
  });
  await expectResponse(r, `GET /feed/open (@Cors('public') on the handler) from ${OTHER_ORIGIN}: ACAO = *`, () => get(port, '/feed/open', OTHER_ORIGIN), {
    status: 200,
    headers: { 'access-control-allow-origin': '*' },
    bodyIncludes: '"open"',
  });
  await expectResponse(r, `GET /internal (@Cors(false)) from ${APP_ORIGIN}: 200, no CORS headers`, () => get(port, '/internal', APP_ORIGIN), {
    status: 200,
    noCors: true,
    bodyIncludes: '"up"',
  });
  await expectResponse(
    r,
    `preflight OPTIONS /internal (@Cors(false)) from ${APP_ORIGIN}: 403, no CORS headers`,
    () => preflight(port, '/internal', APP_ORIGIN),
    {
      status: 403,
      noCors: true,
    },
  );
}

/**
 * Absolute-form preflights with a target url.parse() warns about (DEP0170, an invalid port) or
 * cannot parse: answered without a 5xx, and the app prints no deprecation warning and no hook
 * failure (read from its own stderr, in a fresh process where Node has warned about nothing yet).
 */
async function malformedTargetChecks(r, app) {
  for (const target of ['http://127.0.0.1:12a/feed', 'http://::1:3000/feed', 'http://[::1/feed']) {
    const head = `OPTIONS ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${APP_ORIGIN}\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n`;
    const status = await rawStatus(app.port, head);
    r.check(`preflight OPTIONS ${target} (malformed absolute form): answered without a 5xx`, status !== undefined && status < 500, `status ${status}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // let stderr arrive
  r.check('the app printed no DEP0170 warning and no "CORS hook failed"', !/DEP0170|CORS hook failed/.test(app.output), app.output.slice(-2000));
}

/** The status code of a raw HTTP/1.1 request (undefined when the connection gives none). */
function rawStatus(port, head) {
  return new Promise((resolve) => {
    let data = '';
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.end(head));
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', (d) => (data += d));
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1]) || undefined));
  });
}

async function serveAndProbe(r, dir, serve) {
  r.log(`$ PORT=0 node ${serve.entry}   (probed over HTTP)`);
  const t0 = Date.now();
  const { app, error } = await startApp(dir, serve.entry);
  if (!r.check(`node ${serve.entry} loads the package (${serve.build.toUpperCase()} build) and listens (${seconds(Date.now() - t0)})`, !error, error)) {
    r.output(app.output);
    await stopApp(app);
    return;
  }
  const failedBefore = r.failedHere;
  try {
    r.log(`listening on 127.0.0.1:${app.port}`);
    await httpChecks(r, app.port);
    await malformedTargetChecks(r, app);
  } finally {
    const exit = await stopApp(app);
    r.check(
      `node ${serve.entry} stops on SIGTERM`,
      !exit.killed && (exit.code === 0 || exit.signal === 'SIGTERM'),
      `exit ${exit.code ?? exit.signal}${exit.killed ? ' (killed)' : ''}`,
    );
    if (r.failedHere > failedBefore) {
      r.log('app output:');
      r.output(app.output);
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function runPool(items, jobs, worker) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      while (queue.length > 0) await worker(queue.shift());
    }),
  );
}

async function mainRun() {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nestjs-route-cors-pack-'));
  main.log(`node ${process.version}, npm ${(await run('npm', ['--version'], { cwd: ROOT, timeoutMs: 30_000 })).stdout.trim()}, temp dir ${tmpRoot}`);
  if (!(await build())) return;
  reportBuildSizes();
  const packed = await pack();
  if (!packed) return;
  await packageChecks(packed.tarball);

  const only = process.env.PACK_ONLY ? process.env.PACK_ONLY.split(',').map((s) => s.trim()) : undefined;
  const apps = APPS.filter((app) => !only || only.includes(app.name));
  const unknown = (only ?? []).filter((name) => !APPS.some((app) => app.name === name));
  if (unknown.length > 0) main.check('PACK_ONLY names known apps', false, `unknown: ${unknown.join(', ')}`);
  const jobs = Math.max(1, Number(process.env.PACK_JOBS) || 2);
  main.log(
    `app projects (${jobs} at a time, install up to ${INSTALL_TIMEOUT_MS / 1000}s, each step up to ${STEP_TIMEOUT_MS / 1000}s): ${apps.map((a) => a.name).join(', ')}`,
  );
  await runPool(apps, jobs, (app) => runApp(app, packed.tarball));
}

function cleanUp() {
  for (const child of children) killTree(child);
  children.clear();
  if (!tmpRoot) return;
  if (process.env.PACK_KEEP === '1') {
    main.log(`PACK_KEEP=1: kept ${tmpRoot}`);
    return;
  }
  try {
    fs.rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 3 });
  } catch (error) {
    main.log(`could not remove ${tmpRoot}: ${error.message}`);
  }
}

function finish(code) {
  for (const reporter of Reporter.pending) reporter.flush();
  cleanUp();
  main.log(`took ${seconds(Date.now() - started)}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed > 0 ? 1 : 0));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    main.check(`interrupted by ${signal}`, false);
    finish(1);
  });
}
setTimeout(() => {
  main.check(`whole run within ${OVERALL_TIMEOUT_MS / 60_000} minutes`, false, 'overall time limit reached');
  finish(1);
}, OVERALL_TIMEOUT_MS).unref();

mainRun().then(
  () => finish(),
  (error) => {
    main.check('pack test ran to completion', false, error?.stack ?? String(error));
    finish(1);
  },
);
