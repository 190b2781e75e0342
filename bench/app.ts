// The benchmark application: `routes / 10` controllers generated at run time, with Nest's
// decorators (and @Cors) applied programmatically, in one of the four configurations, on Express
// or Fastify (the route paths are valid in both syntaxes).
import 'reflect-metadata';
import { Controller, Delete, Get, Module, Post, Put, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Cors, CorsModule } from 'nestjs-route-cors';
import {
  CONTROLLER_ROUTES,
  OVERRIDE_ORIGINS,
  controllerCount,
  controllerOverride,
  platformOf,
  sameOptions,
  type HttpVerb,
  type ServerConfig,
} from './shared.js';

const VERBS: Readonly<Record<HttpVerb, (path?: string) => MethodDecorator>> = { Get, Post, Put, Delete };

/** One controller class `/res{index}` with CONTROLLER_ROUTES, each handler a distinct function. */
function makeController(index: number, perRoute: boolean): Type {
  const controller = class {};
  Object.defineProperty(controller, 'name', { value: `Res${index}Controller` });
  const proto = controller.prototype as Record<string, unknown>;
  for (const [name, verb, path] of CONTROLLER_ROUTES) {
    // A new function per handler: Nest keeps route metadata on the function object.
    Object.defineProperty(proto, name, {
      value: function handler() {
        return 'ok';
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    VERBS[verb](path)(proto, name, descriptor);
    if (perRoute) {
      // Handler-level overrides: an extra exposed header on every `search`, and a disabled
      // DELETE in every fifth controller.
      if (name === 'search') Cors({ exposedHeaders: ['X-Total-Count'] })(proto, name, descriptor);
      if (name === 'remove' && index % 5 === 0) Cors(false)(proto, name, descriptor);
    }
  }
  if (perRoute) {
    const override = controllerOverride(index);
    if (override === 'disabled') Cors(false)(controller);
    else if (override === 'otherOrigins') Cors({ origin: OVERRIDE_ORIGINS })(controller);
  }
  Controller(`res${index}`)(controller);
  return controller;
}

/** The root module of a configuration. */
export function makeAppModule(config: ServerConfig): Type {
  const perRoute = config.mode === 'perRoute';
  const controllers: Type[] = [];
  for (let i = 0; i < controllerCount(config.routes); i++) controllers.push(makeController(i, perRoute));
  const imports: DynamicModule[] = config.mode === 'library' || config.mode === 'perRoute' ? [CorsModule.forRoot(sameOptions(config.origins))] : [];
  const appModule = class {};
  Object.defineProperty(appModule, 'name', { value: 'BenchAppModule' });
  Module({ imports, controllers })(appModule);
  return appModule;
}

/**
 * Creates and initialises the application of a configuration; `startupMs` covers
 * NestFactory.create(), enableCors() and app.init(), and Fastify's ready() (the module classes
 * are built beforehand).
 */
export async function createBenchApp(config: ServerConfig): Promise<{ app: INestApplication; startupMs: number }> {
  const appModule = makeAppModule(config);
  const start = performance.now();
  const options = { logger: false as const, abortOnError: false };
  const app =
    platformOf(config) === 'fastify' ? await NestFactory.create(appModule, new FastifyAdapter(), options) : await NestFactory.create(appModule, options);
  if (config.mode === 'enableCors') app.enableCors(sameOptions(config.origins));
  await app.init();
  // Fastify loads its plugins (@fastify/cors, middie) and readies its router on ready(): until then it serves nothing.
  if (platformOf(config) === 'fastify') await (app.getHttpAdapter().getInstance() as { ready(): PromiseLike<unknown> }).ready();
  return { app, startupMs: performance.now() - start };
}
