// `npm run bench:lookup`: the route table alone, in process: nanoseconds per lookup at 100 and at
// 10,000 routes of the benchmark application's shape, for preflights (findForPreflight) and for
// actual requests (find), and the time to build the table. Separates the lookup from Node's HTTP stack, which dominates a request.
import { compilePolicy } from '../lib/core/index.js';
import { buildExpressTable } from '../lib/platforms/express/express-platform.js';
import type { RouteEntry, RouteTable } from '../lib/routing/route-table.js';
import type { OrderedRoute } from '../lib/routing/routes.js';
import { CONTROLLER_ROUTES } from './shared.js';

const LOOKUPS = 1_000_000;
const MATCHING = { caseSensitive: false, ignoreTrailingSlash: true };

function buildTable(routeCount: number): { table: RouteTable; controllers: number; buildMs: number } {
  const policy = compilePolicy({ origin: ['https://app.example.com'], credentials: true });
  const routes: OrderedRoute<RouteEntry>[] = [];
  const controllers = routeCount / CONTROLLER_ROUTES.length;
  for (let c = 0; c < controllers; c++) {
    for (const [, verb, subPath] of CONTROLLER_ROUTES) {
      const method = verb.toUpperCase();
      const path = `/res${c}${subPath ? `/${subPath}` : ''}`;
      routes.push({ method, path, passesOn: false, value: { policy, label: `${method} ${path}` } });
    }
  }
  const start = performance.now();
  const { table } = buildExpressTable(routes, MATCHING);
  return { table, controllers, buildMs: performance.now() - start };
}

function nsPerCall(fn: (i: number) => unknown): number {
  let found = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < LOOKUPS; i++) if (fn(i)) found++;
  const ns = Number(process.hrtime.bigint() - start) / LOOKUPS;
  if (found !== LOOKUPS) throw new Error(`only ${found} of ${LOOKUPS} lookups found their route`);
  return ns;
}

function measure(routeCount: number): { preflight: number; get: number; buildMs: number } {
  const { table, controllers, buildMs } = buildTable(routeCount);
  // 50 controllers spread over the application, as in the HTTP benchmark.
  const step = Math.max(1, Math.floor(controllers / 50));
  const preflightPaths: string[] = [];
  const getPaths: string[] = [];
  for (let i = 0, c = 0; i < 50 && c < controllers; i++, c += step) {
    preflightPaths.push(i % 2 === 0 ? `/res${c}/${1000 + c}` : `/res${c}/items/${c}/parts/p${c}`);
    getPaths.push(i % 3 === 0 ? `/res${c}/${1000 + c}` : i % 3 === 1 ? `/res${c}/static/a/b` : `/res${c}`);
  }
  let preflight = Infinity;
  let get = Infinity;
  // Best of five: the lookup's own cost, not the machine's drift.
  for (let round = 0; round < 5; round++) {
    preflight = Math.min(
      preflight,
      nsPerCall((i) => table.lookupPreflight('PUT', preflightPaths[i % preflightPaths.length]!).entry),
    );
    get = Math.min(
      get,
      nsPerCall((i) => table.find('GET', getPaths[i % getPaths.length]!)),
    );
  }
  return { preflight, get, buildMs };
}

const small = measure(100);
const large = measure(10_000);
console.log('| Routes | preflight lookup (ns) | GET lookup (ns) | table build (ms) |');
console.log('| ---: | ---: | ---: | ---: |');
console.log(`| 100 | ${small.preflight.toFixed(0)} | ${small.get.toFixed(0)} | ${small.buildMs.toFixed(1)} |`);
console.log(`| 10,000 | ${large.preflight.toFixed(0)} | ${large.get.toFixed(0)} | ${large.buildMs.toFixed(1)} |`);
console.log(`10,000 ÷ 100 routes (time per lookup): preflight ${(large.preflight / small.preflight).toFixed(2)}x, GET ${(large.get / small.get).toFixed(2)}x`);
