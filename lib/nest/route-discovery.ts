import { RequestMethod, VersioningType, type Type } from '@nestjs/common';
import { HOST_METADATA, MODULE_PATH, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, MetadataScanner, ModulesContainer, type AbstractHttpAdapter } from '@nestjs/core';
import { PathsExplorer } from '@nestjs/core/router/paths-explorer.js';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import type { RouteDeclaration } from '../resolution/resolve-routes.js';
import type { RouteFilter } from '../routing/routes.js';
import type { CorsRouteMetadata } from './cors-module-options.interface.js';
import { CORS_METADATA, CORS_STACKED_METADATA } from './cors.constants.js';

/** One HTTP endpoint as Nest registers it: a method and a full path, with its handler. */
export interface DiscoveredRoute {
  /** Upper-case method, or `ALL`. */
  readonly method: string;
  /** The full path as given to the HTTP adapter (prefix, versions and module paths applied). */
  readonly path: string;
  readonly controller: Type;
  readonly handler: (...args: unknown[]) => unknown;
  readonly handlerName: string;
  /** Set when the route is bound to hosts, or to versions not in the path (header, media type). */
  readonly discriminator?: string;
  /** The host and version filters behind the discriminator, as data for the platform to apply. */
  readonly filter?: RouteFilter;
}

/** A controller found in a module that Nest registers no routes for, and why. */
export interface SkippedController {
  readonly name: string;
  readonly reason: string;
}

export interface Discovery {
  readonly routes: DiscoveredRoute[];
  readonly skipped: SkippedController[];
}

/**
 * Lists every HTTP route of the application from Nest's own metadata and path builder, so global
 * prefix and its excludes, URI versioning, RouterModule paths and path arrays come out exactly
 * as Nest registers them.
 */
export function discoverRoutes(
  modules: ModulesContainer,
  config: ApplicationConfig,
  adapter: Pick<AbstractHttpAdapter, 'normalizePath'> | undefined,
): Discovery {
  const routes: DiscoveredRoute[] = [];
  const skipped: SkippedController[] = [];
  const pathFactory = new RoutePathFactory(config);
  const pathsExplorer = new PathsExplorer(new MetadataScanner());
  const globalPrefix = config.getGlobalPrefix();
  const versioningOptions = config.getVersioning();

  for (const moduleRef of modules.values()) {
    const modulePath: string | undefined =
      Reflect.getMetadata(MODULE_PATH + modules.applicationId, moduleRef.metatype) ?? Reflect.getMetadata(MODULE_PATH, moduleRef.metatype);
    for (const wrapper of moduleRef.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller || typeof controller !== 'function') {
        skipped.push({ name: String(wrapper.name), reason: 'it has no class (a value or factory provider registered as a controller)' });
        continue;
      }
      const instance = wrapper.instance ?? Object.create(controller.prototype);
      const ctrlPaths = toArray<string>(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
      const host = Reflect.getMetadata(HOST_METADATA, controller);
      const controllerVersion = versioningOptions ? (Reflect.getMetadata(VERSION_METADATA, controller) ?? versioningOptions.defaultVersion) : undefined;

      // Nest registers controller paths in the outer loop, then each handler: the same order here,
      // since Express serves a request with the first route that matches.
      const definitions = pathsExplorer.scanForPaths(instance);
      for (const ctrlPath of ctrlPaths) {
        for (const definition of definitions) {
          const methodVersion = definition.version;
          const version = methodVersion ?? controllerVersion;
          const hiddenVersion = version !== undefined && versioningOptions && versioningOptions.type !== VersioningType.URI;
          const discriminator = [host ? `host ${String(host)}` : '', hiddenVersion ? `version ${String(version)}` : ''].filter(Boolean).join(', ');
          for (const methodPath of definition.path) {
            const paths = pathFactory.create(
              { ctrlPath: addLeadingSlash(ctrlPath), modulePath, globalPrefix, controllerVersion, versioningOptions, methodPath, methodVersion },
              definition.requestMethod,
            );
            for (const path of paths) {
              routes.push({
                method: RequestMethod[definition.requestMethod] ?? 'ALL',
                path: adapter?.normalizePath && LEGACY_SYNTAX.test(path) ? adapter.normalizePath(path) : path,
                controller,
                handler: definition.targetCallback as (...args: unknown[]) => unknown,
                handlerName: definition.methodName,
                discriminator: discriminator || undefined,
                filter:
                  host || hiddenVersion
                    ? { hosts: host ? toArray(host) : undefined, ...(hiddenVersion ? { version, versioning: versioningOptions } : {}) }
                    : undefined,
              });
            }
          }
        }
      }
    }
  }
  return { routes, skipped };
}

/**
 * Adapters' normalizePath() rewrites only legacy wildcard syntax (`*`, `(.*)`) and then validates
 * the path, which Nest did already when it registered the route: skipped for the other paths
 * (a third of the start-up cost of discovery at 10,000 routes).
 */
const LEGACY_SYNTAX = /[*(]/;

function toArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function addLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * Routes in the order the HTTP framework holds them: declaration order, or, under Nest 12's
 * "specificity" route resolution strategy on an order-sensitive adapter, Nest's own order.
 */
export async function inRegistrationOrder(routes: DiscoveredRoute[], config: ApplicationConfig, adapter: object): Promise<DiscoveredRoute[]> {
  const strategy = (config as { getRouteResolutionStrategy?: () => string | undefined }).getRouteResolutionStrategy?.();
  if (strategy !== 'specificity' || (adapter as { isRouteOrderSensitive?: () => boolean }).isRouteOrderSensitive?.() === false) return routes;
  // Present from Nest 12 only, as is the strategy itself.
  const { RouteSpecificitySorter } = (await import('@nestjs/core/router/route-specificity-sorter.js')) as {
    RouteSpecificitySorter: { sort<T extends { path: string }>(routes: T[]): T[] };
  };
  return RouteSpecificitySorter.sort(routes);
}

/** What resolution needs of each route: its label, and its @Cors metadata as plain data. */
export function declarationsOf(routes: readonly DiscoveredRoute[]): RouteDeclaration[] {
  return routes.map((route) => ({
    method: route.method,
    path: route.path,
    label: `${route.method} ${route.path} (${route.controller.name}.${route.handlerName})${route.discriminator ? ` [${route.discriminator}]` : ''}`,
    controllerName: route.controller.name,
    handlerName: route.handlerName,
    discriminator: route.discriminator,
    controllerRef: route.controller,
    handlerRef: route.handler,
    cors: {
      controller: Reflect.getMetadata(CORS_METADATA, route.controller) as CorsRouteMetadata | undefined,
      handler: Reflect.getMetadata(CORS_METADATA, route.handler) as CorsRouteMetadata | undefined,
    },
    stacked: {
      controller: Reflect.getOwnMetadata(CORS_STACKED_METADATA, route.controller) === true,
      handler: Reflect.getOwnMetadata(CORS_STACKED_METADATA, route.handler) === true,
    },
    passesOn: route.discriminator !== undefined,
    filter: route.filter,
  }));
}
