// Real-browser suite: Chromium judges the sample application (and a small extra one), on Express
// and then on Fastify: every case runs on both platforms, against fresh servers.
// Run with `npm run test:browser`. Prints one line per case, then "N passed, M failed"; exits 1
// on any failure. Everything listens on loopback only and is closed at the end.
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Browser } from 'playwright-core';
import { readSampleSettings } from '../../sample/cors-options.factory.js';
import { startDemoServer } from '../../sample/demo-server.js';
import { CHROMIUM_PATH, launchChromium } from './browser.js';
import { CaseRun } from './case-run.js';
import { demoCases, extraCases, sampleCases, type BrowserCase, type SuiteEnv } from './cases.js';
import { extraAppModule } from './extra-app.js';
import { samplePortCases } from './sample-ports.js';
import { closeServer, freePort, portOf, ServerLog, startBlankPageServer, startNest, type SuitePlatform } from './servers.js';

const CASE_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 340_000;
const PLATFORMS: readonly SuitePlatform[] = ['express', 'fastify'];

interface Resources {
  browser?: Browser;
  apps: INestApplication[];
  servers: Server[];
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

async function setUp(res: Resources, log: ServerLog, platform: SuitePlatform): Promise<SuiteEnv> {
  // Pages first: the allowed origins must be in the environment before the application starts.
  const pages = await startBlankPageServer();
  res.servers.push(pages);
  const others = await startBlankPageServer();
  res.servers.push(others);
  const pagePort = portOf(pages);
  const otherPort = portOf(others);
  const demoPort = await freePort();
  const origins = {
    page: `http://localhost:${pagePort}`,
    other: `http://localhost:${otherPort}`,
    ip: `http://127.0.0.1:${pagePort}`,
    sub: `http://app.localhost:${pagePort}`,
    subOther: `http://app.localhost:${otherPort}`,
    demo: `http://localhost:${demoPort}`,
    demoIp: `http://127.0.0.1:${demoPort}`,
  };

  // The sample reads these through ConfigModule (process.env wins over sample/.env).
  process.env.CORS_ORIGINS = `${origins.page}, ${origins.demo}`;
  process.env.PARTNER_ORIGINS = origins.other;
  process.env.CORS_MAX_AGE = '600';
  process.env.CORS_DEBUG = 'false';
  process.env.DEMO_PORT = String(demoPort);
  // The sample's own start-up (the port cases run `node .build/sample/main.js`) reads it too.
  process.env.PLATFORM = platform;
  const { AppModule } = await import('../../sample/app.module.js');
  const sample = await startNest(AppModule, log, platform);
  res.apps.push(sample.app);
  // The pass is on the platform it says, or its cases prove nothing about that platform.
  if (sample.app.getHttpAdapter().getType() !== platform) throw new Error(`the sample runs on ${sample.app.getHttpAdapter().getType()}, not ${platform}`);
  const apiBase = `http://localhost:${sample.port}`;

  const extraModule = extraAppModule({ page: origins.page, other: origins.other, subdomainPattern: `http://*.localhost:${pagePort}` });
  const extra = await startNest(extraModule, log, platform);
  res.apps.push(extra.app);
  const extraBase = `http://localhost:${extra.port}`;

  // The demo server describes the configuration the sample application was built from.
  res.servers.push(await startDemoServer(demoPort, apiBase, '127.0.0.1', readSampleSettings(sample.app.get(ConfigService))));
  res.browser = await launchChromium();
  console.log(
    `browser suite on ${platform}: Chromium ${res.browser.version()} (${CHROMIUM_PATH}); sample API ${apiBase}, extra app ${extraBase}, pages ${origins.page} ${origins.other}, demo ${origins.demo}`,
  );
  return { origins, api: (path) => `${apiBase}${path}`, extra: (path) => `${extraBase}${path}` };
}

async function tearDown(res: Resources): Promise<void> {
  await res.browser?.close().catch(() => undefined);
  for (const app of res.apps) await app.close().catch(() => undefined);
  for (const server of res.servers) await closeServer(server);
}

async function runCase(c: BrowserCase, env: SuiteEnv, browser: Browser, log: ServerLog, platform: SuitePlatform): Promise<boolean> {
  const run = new CaseRun(browser, log);
  const caseStarted = Date.now();
  try {
    await withTimeout(c.run(run, env), CASE_TIMEOUT_MS, 'the case');
  } catch (error) {
    run.failures.push(`error: ${oneLine(error instanceof Error ? error.message : String(error))}`);
  } finally {
    await run.close();
  }
  const passed = run.failures.length === 0;
  run.notes.push(`${Date.now() - caseStarted} ms`);
  const details = passed ? run.notes : [...run.failures, '--', ...run.notes];
  console.log(`${passed ? 'PASS' : 'FAIL'} [${platform}] ${c.name}: ${details.map(oneLine).join('; ')}`);
  return passed;
}

async function main(): Promise<number> {
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  const watchdog = setTimeout(() => {
    console.log(`FAIL browser suite: the whole run exceeded ${RUN_TIMEOUT_MS / 1000} s`);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, RUN_TIMEOUT_MS);
  try {
    for (const platform of PLATFORMS) {
      const res: Resources = { apps: [], servers: [] };
      const log = new ServerLog();
      try {
        let env: SuiteEnv;
        try {
          env = await withTimeout(setUp(res, log, platform), 60_000, 'set-up');
        } catch (error) {
          console.log(`FAIL [${platform}] set-up: ${oneLine(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
          failed++;
          continue;
        }
        for (const c of [...sampleCases, ...extraCases, ...demoCases, ...samplePortCases]) {
          if (await runCase(c, env, res.browser!, log, platform)) passed++;
          else failed++;
        }
      } finally {
        await withTimeout(tearDown(res), 15_000, 'tear-down').catch((error: unknown) => console.log(`tear-down: ${String(error)}`));
      }
    }
    return failed === 0 ? 0 : 1;
  } finally {
    clearTimeout(watchdog);
    console.log(`browser suite took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed`);
  }
}

process.exitCode = await main();
// Nothing should be left open; do not let a stray handle hold the process.
setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
