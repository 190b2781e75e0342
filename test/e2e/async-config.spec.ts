// CorsModule.forRootAsync() with @nestjs/config: origins read from the environment through
// ConfigService and parseOrigins(), with useFactory, useClass and useExisting.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Cors, CorsConfigError, CorsModule, parseOrigins, type CorsModuleOptions } from '../../lib/index.js';
import {
  APP_ORIGIN,
  buildApp,
  closeAll,
  corsHeaders,
  createApp,
  EVIL_ORIGIN,
  PARTNER_ORIGIN,
  preflight,
  send,
  PLATFORMS,
  type Platform,
} from './support/app-factory.js';

const ENV_ORIGINS = `${APP_ORIGIN}, ${PARTNER_ORIGIN}`;

@Controller('data')
class DataController {
  @Get()
  get() {
    return { ok: 'data' };
  }

  @Cors('public')
  @Get('public')
  open() {
    return { ok: 'public' };
  }
}

function optionsFrom(config: ConfigService): CorsModuleOptions {
  return {
    origin: parseOrigins(config.getOrThrow<string>('CORS_ORIGINS'), 'CORS_ORIGINS'),
    credentials: true,
    maxAge: Number(config.getOrThrow<string>('CORS_MAX_AGE')),
    policies: { public: { origin: '*' } },
  };
}

/** useClass / useExisting: ConfigurableModuleBuilder's default factory method is `create`. */
@Injectable()
class CorsOptionsFactory {
  static created = 0;
  constructor(private readonly config: ConfigService) {}
  create(): CorsModuleOptions {
    CorsOptionsFactory.created++;
    return optionsFrom(this.config);
  }
}

@Module({ imports: [ConfigModule], providers: [CorsOptionsFactory], exports: [CorsOptionsFactory] })
class CorsOptionsModule {}

async function expectEnvOrigins(app: INestApplication): Promise<void> {
  for (const origin of [APP_ORIGIN, PARTNER_ORIGIN]) {
    const res = await send(app, 'get', '/data', origin);
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' });
    const pre = await preflight(app, '/data', origin, 'GET');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(origin);
    expect(pre.headers['access-control-max-age']).toBe('120');
  }
  const refused = await send(app, 'get', '/data', EVIL_ORIGIN);
  expect(corsHeaders(refused)).toEqual({});
  expect((await preflight(app, '/data', EVIL_ORIGIN, 'GET')).status).toBe(403);
  const open = await send(app, 'get', '/data/public', EVIL_ORIGIN);
  expect(corsHeaders(open)).toEqual({ 'access-control-allow-origin': '*' });
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('CorsModule.forRootAsync with ConfigService', () => {
    const saved = { CORS_ORIGINS: process.env.CORS_ORIGINS, CORS_MAX_AGE: process.env.CORS_MAX_AGE };
    const apps: INestApplication[] = [];

    beforeAll(() => {
      process.env.CORS_ORIGINS = ENV_ORIGINS;
      process.env.CORS_MAX_AGE = '120';
    });

    afterAll(async () => {
      await closeAll(...apps);
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });

    it('useFactory', async () => {
      const app = await createApp({
        platform,
        corsAsync: {
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true })],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => optionsFrom(config),
        },
        controllers: [DataController],
      });
      apps.push(app);
      await expectEnvOrigins(app);
    });

    // ConfigModule-style `isGlobal: true` is accepted (the module is global anyway) and is not
    // taken for an unknown policy option.
    it('isGlobal: true, with forRoot and with forRootAsync', async () => {
      const direct = await createApp({
        platform,
        noCorsModule: true,
        imports: [CorsModule.forRoot({ isGlobal: true, ...optionsFrom(new ConfigService()) })],
        controllers: [DataController],
      });
      apps.push(direct);
      await expectEnvOrigins(direct);
      const async = await createApp({
        platform,
        corsAsync: {
          isGlobal: true,
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true })],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => optionsFrom(config),
        },
        controllers: [DataController],
      });
      apps.push(async);
      await expectEnvOrigins(async);
    });

    it('useFactory returning a Promise', async () => {
      const app = await createApp({
        platform,
        corsAsync: {
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true })],
          inject: [ConfigService],
          useFactory: async (config: ConfigService) => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            return optionsFrom(config);
          },
        },
        controllers: [DataController],
      });
      apps.push(app);
      await expectEnvOrigins(app);
    });

    it('useClass (a class with a create() method)', async () => {
      const before = CorsOptionsFactory.created;
      const app = await createApp({
        platform,
        corsAsync: { imports: [ConfigModule.forRoot({ ignoreEnvFile: true })], useClass: CorsOptionsFactory },
        controllers: [DataController],
      });
      apps.push(app);
      expect(CorsOptionsFactory.created).toBe(before + 1);
      await expectEnvOrigins(app);
    });

    it('useExisting (a factory exported by another module)', async () => {
      const app = await createApp({
        platform,
        corsAsync: { imports: [ConfigModule.forRoot({ ignoreEnvFile: true }), CorsOptionsModule], useExisting: CorsOptionsFactory },
        controllers: [DataController],
      });
      apps.push(app);
      await expectEnvOrigins(app);
    });

    it('with a global ConfigModule imported by the application', async () => {
      const app = await createApp({
        platform,
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true })],
        corsAsync: { inject: [ConfigService], useFactory: optionsFrom },
        controllers: [DataController],
      });
      apps.push(app);
      await expectEnvOrigins(app);
    });

    it('a bad origin in the environment stops the application with a CorsConfigError naming the variable', async () => {
      process.env.CORS_ORIGINS = `${APP_ORIGIN}, https://partner.example.org/`;
      try {
        let caught: unknown;
        let app: INestApplication | undefined;
        try {
          app = await buildApp({
            platform,
            corsAsync: { imports: [ConfigModule.forRoot({ ignoreEnvFile: true })], inject: [ConfigService], useFactory: optionsFrom },
            controllers: [DataController],
          });
          await app.init();
        } catch (error) {
          caught = error;
        } finally {
          await app?.close().catch(() => undefined);
        }
        expect(caught).toBeInstanceOf(CorsConfigError);
        const error = caught as CorsConfigError;
        expect(error.problems.length).toBe(1);
        expect(error.problems[0]?.field).toBe('CORS_ORIGINS[1]');
        expect(error.message).toContain('Fix: Use "https://partner.example.org"');
      } finally {
        process.env.CORS_ORIGINS = ENV_ORIGINS;
      }
    });

    it('an invalid resolved policy from the factory stops app.init()', async () => {
      const app = await buildApp({ platform, corsAsync: { useFactory: () => ({ origin: '*', credentials: true }) }, controllers: [DataController] });
      try {
        await expect(app.init()).rejects.toThrow(CorsConfigError);
      } finally {
        await app.close().catch(() => undefined);
      }
    });
  });
});
