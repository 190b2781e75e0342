// The sample's configuration (sample/cors-options.factory.ts): with CORS_ORIGINS not set, the
// allowed origin follows DEMO_PORT, so `PORT=3100 DEMO_PORT=5200 npm run sample` keeps the demo page
// allowed. Checked on the settings and on the sample's own controllers and global guard over HTTP.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { CorsModule } from 'nestjs-route-cors';
import request from 'supertest';
import { AuthGuard } from '../../sample/auth.guard.js';
import { AccountController, AuthController, FeedController } from '../../sample/controllers.js';
import { corsOptionsFromConfig, readSampleSettings, samplePlatform } from '../../sample/cors-options.factory.js';

/** ConfigService falls back to process.env for what it was not given: keep the runner's environment out. */
const SAMPLE_VARIABLES = ['PORT', 'DEMO_PORT', 'HOST', 'CORS_ORIGINS', 'PARTNER_ORIGINS', 'CORS_MAX_AGE', 'CORS_DEBUG', 'PLATFORM'];
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(SAMPLE_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of SAMPLE_VARIABLES) delete process.env[name];
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const config = (values: Record<string, string>) => new ConfigService(values);

describe('sample settings', () => {
  it('CORS_ORIGINS not set: the demo page origin from DEMO_PORT', () => {
    const settings = readSampleSettings(config({ PORT: '3100', DEMO_PORT: '5200' }));
    expect(settings.port).toBe(3100);
    expect(settings.demoPort).toBe(5200);
    expect(settings.demoOrigin).toBe('http://localhost:5200');
    expect(settings.corsOrigins.origins).toEqual(['http://localhost:5200']);
    expect(settings.corsOrigins.defaulted).toContain('DEMO_PORT=5200');
    expect(corsOptionsFromConfig(config({ DEMO_PORT: '5200' })).origin).toEqual(['http://localhost:5200']);
  });

  it('nothing set: the documented defaults (API on 3000, demo page http://localhost:5173 allowed)', () => {
    const settings = readSampleSettings(config({}));
    expect(settings.port).toBe(3000);
    expect(settings.demoPort).toBe(5173);
    expect(settings.corsOrigins.origins).toEqual(['http://localhost:5173']);
  });

  it('CORS_ORIGINS set: used as it is, whatever DEMO_PORT says', () => {
    const settings = readSampleSettings(config({ DEMO_PORT: '5200', CORS_ORIGINS: 'https://app.example.com, http://localhost:*' }));
    expect(settings.corsOrigins.origins).toEqual(['https://app.example.com', 'http://localhost:*']);
    expect(settings.corsOrigins.defaulted).toBeUndefined();
  });

  it('an empty CORS_ORIGINS (a bare "CORS_ORIGINS=" line in .env) counts as not set', () => {
    expect(readSampleSettings(config({ DEMO_PORT: '5200', CORS_ORIGINS: ' ' })).corsOrigins.origins).toEqual(['http://localhost:5200']);
  });

  it.each([
    ['DEMO_PORT', 'abc'],
    ['DEMO_PORT', '0'],
    ['PORT', '70000'],
    ['PORT', '3000x'],
  ])('%s=%s is refused with the variable named', (name, value) => {
    expect(() => readSampleSettings(config({ [name]: value }))).toThrow(new RegExp(`^${name} must be a port number`));
  });
});

describe('sample platform (PLATFORM)', () => {
  it('is Express unless PLATFORM says fastify, in any case', () => {
    expect(samplePlatform(undefined)).toBe('express');
    expect(samplePlatform(' ')).toBe('express');
    expect(samplePlatform('Fastify')).toBe('fastify');
    process.env.PLATFORM = 'fastify';
    expect(samplePlatform()).toBe('fastify');
  });

  it('refuses another platform, naming the variable and the choices', () => {
    expect(() => samplePlatform('koa')).toThrow('PLATFORM must be one of express, fastify, got "koa".');
  });
});

describe.each(['express', 'fastify'] as const)('sample over HTTP on %s with DEMO_PORT=5200 and no CORS_ORIGINS', (platform) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [CorsModule.forRootAsync({ useFactory: () => corsOptionsFromConfig(config({ PORT: '3100', DEMO_PORT: '5200' })) })],
      controllers: [FeedController, AuthController, AccountController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    }).compile();
    if (platform === 'fastify') {
      const fastify = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
      await fastify.init();
      await fastify.getHttpAdapter().getInstance().ready();
      app = fastify;
    } else {
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
    }
    return app;
  }

  it('the demo page origin gets the credentialed endpoints: preflight, guard 401 and login', async () => {
    const server = (await start()).getHttpServer();
    const origin = 'http://localhost:5200';
    const pre = await request(server)
      .options('/account/profile')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'content-type, authorization');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(origin);
    const me = await request(server).get('/account/me').set('Origin', origin);
    expect(me.status).toBe(401);
    expect(me.headers['access-control-allow-origin']).toBe(origin);
    expect(me.headers['access-control-allow-credentials']).toBe('true');
    const login = await request(server).post('/auth/login').set('Origin', origin);
    expect(login.status).toBe(200);
    expect(login.headers['access-control-allow-origin']).toBe(origin);
    // The session cookie, written the same way on both platforms; the guard lets it in.
    const cookie = login.headers['set-cookie'] as unknown as string[];
    expect(cookie).toEqual([expect.stringMatching(/^sample_session=demo; Path=\/; HttpOnly; SameSite=Lax$/)]);
    const meAgain = await request(server).get('/account/me').set('Origin', origin).set('Cookie', 'sample_session=demo');
    expect(meAgain.status).toBe(200);
    const logout = await request(server).post('/auth/logout').set('Origin', origin);
    expect(logout.headers['set-cookie']).toEqual([expect.stringMatching(/^sample_session=; Path=\/; Expires=Thu, 01 Jan 1970/)]);
  });

  it('the old fixed default http://localhost:5173 and http://127.0.0.1:5200 are not allowed', async () => {
    const server = (await start()).getHttpServer();
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:5200']) {
      const me = await request(server).get('/account/me').set('Origin', origin);
      expect(me.status).toBe(401);
      expect(me.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
