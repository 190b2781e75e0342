// Vary: Origin on every response whose Access-Control-Allow-Origin depends on the request
// (allowed, disallowed and Origin-less requests alike), appended to what the handler sets.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Header,
  Injectable,
  Res,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Response } from 'express';
import type { FastifyReply } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Cors } from '../../lib/index.js';
import { APP_ORIGIN, closeAll, corsHeaders, createApp, EVIL_ORIGIN, headerList, preflight, send, PLATFORMS, type Platform } from './support/app-factory.js';

@Injectable()
class DenyPathGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    // req.url on both platforms (Express's req.path is its own).
    if (context.switchToHttp().getRequest<IncomingMessage>().url!.split('?')[0]!.endsWith('/guarded')) throw new UnauthorizedException();
    return true;
  }
}

/** The Node.js response behind a platform's response object (Fastify's reply holds it as `raw`). */
function nodeResponse(res: Response | FastifyReply): ServerResponse {
  return 'raw' in res ? res.raw : res;
}

@Controller('v')
class VaryController {
  @Get('list')
  list() {
    return { ok: 'list' };
  }

  @Get('guarded')
  guarded() {
    return { ok: 'never' };
  }

  @Cors({ origin: (origin: string | undefined) => origin === APP_ORIGIN })
  @Get('fn')
  fn() {
    return { ok: 'fn' };
  }

  @Cors({ origin: true })
  @Get('reflect')
  reflect() {
    return { ok: 'reflect' };
  }

  @Cors({ origin: '*' })
  @Get('star')
  star() {
    return { ok: 'star' };
  }

  @Cors(false)
  @Get('off')
  off() {
    return { ok: 'off' };
  }

  // Through the platform's own API: Express's res.vary() appends; Fastify has no such helper,
  // and reply.header() sets the header (it is written with the reply's other headers).
  @Get('res-vary')
  resVary(@Res({ passthrough: true }) res: Response | FastifyReply) {
    if ('vary' in res) res.vary('Accept-Encoding');
    else res.header('Vary', 'Accept-Encoding');
    return { ok: 'res-vary' };
  }

  // Nest's @Header() sets the header (res.set), replacing any value already there.
  @Get('header-decorator')
  @Header('Vary', 'Accept-Encoding')
  headerDecorator() {
    return { ok: 'header-decorator' };
  }

  // A handler that overwrites Vary itself.
  @Get('set-header')
  setHeader(@Res({ passthrough: true }) res: Response | FastifyReply) {
    nodeResponse(res).setHeader('Vary', 'Accept-Language');
    return { ok: 'set-header' };
  }

  // Headers given to writeHead replace those set before, Vary included.
  @Get('write-head-object')
  writeHeadObject(@Res() res: Response | FastifyReply) {
    const headers = { vary: 'Accept', 'Content-Type': 'text/plain' };
    nodeResponse(res).writeHead(200, headers);
    nodeResponse(res).end(JSON.stringify(headers));
  }

  @Get('write-head-flat')
  writeHeadFlat(@Res() res: Response | FastifyReply) {
    nodeResponse(res).writeHead(200, 'OK', ['Vary', 'Accept', 'Content-Type', 'text/plain']);
    nodeResponse(res).end('flat');
  }
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('Vary', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN] },
        controllers: [VaryController],
        providers: [{ provide: APP_GUARD, useClass: DenyPathGuard }],
      });
    });

    afterAll(() => closeAll(app));

    describe('origin-dependent routes (list, function, reflect)', () => {
      it.each(['/v/list', '/v/fn', '/v/reflect'])('%s: Vary: Origin for an allowed origin', async (path) => {
        const res = await send(app, 'get', path, APP_ORIGIN);
        expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect(res.headers['vary']).toBe('Origin');
      });

      it.each(['/v/list', '/v/fn'])('%s: Vary: Origin for a disallowed origin', async (path) => {
        const res = await send(app, 'get', path, EVIL_ORIGIN);
        expect(corsHeaders(res)).toEqual({});
        expect(res.headers['vary']).toBe('Origin');
      });

      it.each(['/v/list', '/v/fn', '/v/reflect'])('%s: Vary: Origin for a request without Origin', async (path) => {
        const res = await send(app, 'get', path);
        expect(res.status).toBe(200);
        expect(corsHeaders(res)).toEqual({});
        expect(res.headers['vary']).toBe('Origin');
      });

      it('on error responses too: 401 from a guard, 404 of an unknown path', async () => {
        const guarded = await send(app, 'get', '/v/guarded');
        expect(guarded.status).toBe(401);
        expect(guarded.headers['vary']).toBe('Origin');
        const missing = await send(app, 'get', '/v/missing', EVIL_ORIGIN);
        expect(missing.status).toBe(404);
        expect(missing.headers['vary']).toBe('Origin');
      });

      it('on preflights, allowed and refused; with Access-Control-Request-Headers when reflecting', async () => {
        const allowed = await preflight(app, '/v/list', APP_ORIGIN, 'GET', 'x-a');
        expect(allowed.status).toBe(204);
        expect(headerList(allowed, 'vary')).toEqual(['Origin', 'Access-Control-Request-Headers']);
        const refused = await preflight(app, '/v/list', EVIL_ORIGIN, 'GET');
        expect(refused.status).toBe(403);
        expect(headerList(refused, 'vary')).toContain('Origin');
      });
    });

    describe('routes whose headers do not depend on Origin', () => {
      it("origin '*': no Vary: Origin", async () => {
        const res = await send(app, 'get', '/v/star', APP_ORIGIN);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(headerList(res, 'vary')).not.toContain('Origin');
      });

      it('@Cors(false): no Vary: Origin', async () => {
        const res = await send(app, 'get', '/v/off', APP_ORIGIN);
        expect(corsHeaders(res)).toEqual({});
        expect(headerList(res, 'vary')).not.toContain('Origin');
      });
    });

    describe('a handler that sets Vary itself', () => {
      it("the platform's own API (Express: res.vary() appends; Fastify: reply.header() sets) keeps Vary: Origin", async () => {
        const res = await send(app, 'get', '/v/res-vary', APP_ORIGIN);
        expect(res.body).toEqual({ ok: 'res-vary' });
        expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        // Express appends to what the hook set; Fastify writes the reply's Vary, to which the hook appends Origin again.
        expect(headerList(res, 'vary')).toEqual(platform === 'express' ? ['Origin', 'Accept-Encoding'] : ['Accept-Encoding', 'Origin']);
      });

      // DESIGN: "Vary: Origin ... (appended, never overwritten)". The hook writes Vary before the
      // handler runs; a handler (or Nest's @Header()) that replaces Vary must not drop Origin.
      it("@Header('Vary', 'Accept-Encoding') keeps Vary: Origin", async () => {
        const res = await send(app, 'get', '/v/header-decorator', APP_ORIGIN);
        expect(res.body).toEqual({ ok: 'header-decorator' });
        expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect(headerList(res, 'vary')).toContain('Accept-Encoding');
        expect(headerList(res, 'vary')).toContain('Origin');
      });

      it("res.setHeader('Vary', ...) keeps Vary: Origin", async () => {
        const res = await send(app, 'get', '/v/set-header', APP_ORIGIN);
        expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect(headerList(res, 'vary')).toContain('Accept-Language');
        expect(headerList(res, 'vary')).toContain('Origin');
      });

      it("res.writeHead(status, { Vary }) keeps Vary: Origin and the handler's other headers, and leaves its object alone", async () => {
        const res = await send(app, 'get', '/v/write-head-object', APP_ORIGIN);
        expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect(res.headers['content-type']).toBe('text/plain');
        expect(headerList(res, 'vary')).toEqual(['Accept', 'Origin']);
        expect(JSON.parse(res.text)).toEqual({ vary: 'Accept', 'Content-Type': 'text/plain' });
      });

      it('res.writeHead(status, message, [name, value, …]) keeps Vary: Origin', async () => {
        const res = await send(app, 'get', '/v/write-head-flat', APP_ORIGIN);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('text/plain');
        expect(headerList(res, 'vary')).toEqual(['Accept', 'Origin']);
      });
    });
  });
});
