import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Cors, CorsConfigError, CorsModule } from 'nestjs-route-cors';

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return [];
  }

  /** '*' inherits `credentials: true` when the global policy has it. */
  @Cors({ origin: '*' })
  @Get('open')
  open() {
    return [];
  }
}

@Controller('plain')
class PlainController {
  @Get()
  get() {
    return {};
  }
}

/** What starting an application on Fastify throws, or undefined when it starts. */
async function startError(cors: DynamicModule, controller: new () => unknown): Promise<unknown> {
  @Module({ imports: [cors], controllers: [controller] })
  class AppModule {}
  let app: NestFastifyApplication | undefined;
  try {
    app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false, abortOnError: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app?.close().catch(() => undefined);
  }
}

describe("Misconfiguration on Fastify: origin '*' with credentials stops the start-up with a CorsConfigError", () => {
  it("refuses a global policy with origin '*' and credentials: true", async () => {
    const error = await startError(CorsModule.forRoot({ origin: '*', credentials: true }), PlainController);
    assert.ok(error instanceof CorsConfigError, `expected a CorsConfigError, got ${String(error)}`);
    assert.ok(
      error.problems.some((p) => p.code === 'wildcard-with-credentials'),
      error.message,
    );
  });

  it("refuses @Cors({ origin: '*' }) on a route that inherits credentials: true, naming the route", async () => {
    const error = await startError(CorsModule.forRoot({ origin: ['https://app.example.com'], credentials: true }), ItemsController);
    assert.ok(error instanceof CorsConfigError, `expected a CorsConfigError, got ${String(error)}`);
    const problem = error.problems.find((p) => p.code === 'wildcard-with-credentials');
    assert.ok(problem, error.message);
    assert.match(problem.source ?? '', /GET \/items\/open/);
  });

  it('starts when the same route says credentials: false', async () => {
    @Controller('items')
    class FixedController {
      @Cors({ origin: '*', credentials: false })
      @Get('open')
      open() {
        return [];
      }
    }
    assert.equal(await startError(CorsModule.forRoot({ origin: ['https://app.example.com'], credentials: true }), FixedController), undefined);
  });
});
