import type { IncomingMessage } from 'node:http';
import parseurl from 'parseurl';
import { FirstMatchTable, type FirstMatchBuild } from '../../routing/first-match-table.js';
import type { RouteEntry } from '../../routing/route-table.js';
import type { OrderedRoute } from '../../routing/routes.js';
import type { CorsPlatform, HttpAdapterLike } from '../cors-platform.js';
import { installExpressHook, isExpressApp } from './express-hook.js';
import { compileExpressPath, type ExpressMatching } from './express-path.js';
import { expressAcceptance, type ExpressSettings } from './express-route-filter.js';

/**
 * Express (@nestjs/platform-express): routes are served in registration order, first match
 * wins, with path-to-regexp v8 paths; the hook wraps the application's `handle`.
 */
export const expressPlatform: CorsPlatform = {
  name: 'express',
  packageName: '@nestjs/platform-express',

  supports: (adapter) => isExpressApp(adapter.getInstance()),

  buildTable(adapter, routes) {
    // Express's defaults (case-insensitive, non-strict) where an older adapter does not say.
    const app = adapter.getInstance() as ExpressSettings;
    return buildExpressTable(routes, { caseSensitive: false, ignoreTrailingSlash: true, ...definedOnly(adapter.getRouteMatchingOptions?.()) }, app);
  },

  pathOf: expressPathOf,

  install(adapter: HttpAdapterLike, handler) {
    const app = adapter.getInstance();
    if (!isExpressApp(app)) throw new Error('nestjs-route-cors: the Express platform was chosen for an adapter without an Express application.');
    installExpressHook(app, handler);
  },
};

/** The route table of routes in Express's registration order, matched as Express matches them. */
export function buildExpressTable(routes: readonly OrderedRoute<RouteEntry>[], matching: ExpressMatching, app: ExpressSettings = {}): FirstMatchBuild {
  return FirstMatchTable.build(routes, {
    ...matching,
    compile: (path) => compileExpressPath(path, matching),
    acceptanceOf: (filter) => expressAcceptance(filter, app),
  });
}

/**
 * The path Express routes a request on: parseurl's pathname, which Express reuses (parseurl
 * caches it on the request). Undefined for a target url.parse() cannot parse (`http://[::1/x`):
 * no route serves it. An absolute-form target with an invalid port (`http://h:12a/x`) makes
 * url.parse() print a deprecation warning (DEP0170) about the client's URL, which tells the
 * application nothing: that one synchronous call runs with deprecation warnings off.
 */
export function expressPathOf(req: IncomingMessage): string | undefined {
  try {
    if (req.url?.charCodeAt(0) === 0x2f) return parseurl(req)?.pathname ?? '/';
    const previous = process.noDeprecation;
    process.noDeprecation = true;
    try {
      return parseurl(req)?.pathname ?? '/';
    } finally {
      process.noDeprecation = previous;
    }
  } catch {
    return undefined;
  }
}

function definedOnly(options: { caseSensitive?: boolean; ignoreTrailingSlash?: boolean } | undefined): Partial<ExpressMatching> {
  const defined: { caseSensitive?: boolean; ignoreTrailingSlash?: boolean } = {};
  if (options?.caseSensitive !== undefined) defined.caseSensitive = options.caseSensitive;
  if (options?.ignoreTrailingSlash !== undefined) defined.ignoreTrailingSlash = options.ignoreTrailingSlash;
  return defined;
}
