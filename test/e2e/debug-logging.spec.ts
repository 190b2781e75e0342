// debug: true logs every refused CORS request through Nest's Logger, with the reason and the
// route; the start-up log says which routes are open to which origins.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Delete, Get, type INestApplication } from '@nestjs/common';
import { Cors, CorsInspector } from '../../lib/index.js';
import {
  APP_ORIGIN,
  closeAll,
  corsHeaders,
  createApp,
  EVIL_ORIGIN,
  PARTNER_ORIGIN,
  preflight,
  RecordingLogger,
  send,
  PLATFORMS,
  type Platform,
} from './support/app-factory.js';

const CONTEXT = 'CorsModule';

@Controller('dbg')
class DebugController {
  @Get()
  get() {
    return { ok: 'dbg' };
  }

  @Cors({ origin: PARTNER_ORIGIN })
  @Get('partner')
  partner() {
    return { ok: 'partner' };
  }

  @Cors(false)
  @Delete('off')
  off() {
    return { ok: 'off' };
  }
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('debug: true', () => {
    let app: INestApplication;
    const logger = new RecordingLogger();
    const refusals = () => logger.from(CONTEXT).filter((line) => line.includes('refused'));

    beforeAll(async () => {
      app = await createApp({ platform, cors: { origin: [APP_ORIGIN], debug: true }, controllers: [DebugController], logger });
    });

    afterAll(() => closeAll(app));

    it("logs the inspector's table at start-up: every route with its effective policy, grouped by policy", () => {
      const lines = logger.from(CONTEXT);
      // The very table of CorsInspector.format(), line by line (blank lines between groups left out).
      const table = app
        .get(CorsInspector)
        .format()
        .split('\n')
        .filter((line) => line !== '');
      expect(lines.slice(0, table.length)).toEqual(table);
      const row = (method: string, path: string, handler: string) => lines.findIndex((line) => new RegExp(`^  ${method} +${path} +${handler} `).test(line));
      const heading = (text: string) => lines.indexOf(text);
      expect(heading(`open to ${APP_ORIGIN}`)).toBeLessThan(row('GET', '/dbg', 'DebugController.get'));
      expect(heading(`open to ${PARTNER_ORIGIN}`)).toBeLessThan(row('GET', '/dbg/partner', 'DebugController.partner'));
      expect(heading('CORS off (@Cors(false)): no CORS headers, preflights answered 403')).toBeLessThan(row('DELETE', '/dbg/off', 'DebugController.off'));
      expect(lines[row('GET', '/dbg/partner', 'DebugController.partner')]).toMatch(/GET, HEAD +global \+ handler @Cors: origin$/);
    });

    it('logs a refused actual request with the reason, the origin and the route label', async () => {
      const before = refusals().length;
      const res = await send(app, 'get', '/dbg/partner', EVIL_ORIGIN);
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual({});
      const logged = refusals().slice(before);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toBe(
        `CORS request refused (origin): GET from ${EVIL_ORIGIN} on GET /dbg/partner (DebugController.partner): origin ${EVIL_ORIGIN} is not in the allowed list`,
      );
    });

    it('logs a refused preflight (method not served) with the route label', async () => {
      const before = refusals().length;
      const res = await preflight(app, '/dbg', APP_ORIGIN, 'DELETE');
      expect(res.status).toBe(403);
      const logged = refusals().slice(before);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^CORS preflight refused \(method\): preflight for DELETE from https:\/\/app\.example\.com on /);
      expect(logged[0]).toContain('DELETE is not served on this path');
    });

    it('logs a refused preflight on a @Cors(false) route', async () => {
      const before = refusals().length;
      expect((await preflight(app, '/dbg/off', APP_ORIGIN, 'DELETE')).status).toBe(403);
      const logged = refusals().slice(before);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain('CORS preflight refused (origin)');
      expect(logged[0]).toContain('DELETE /dbg/off (DebugController.off)');
    });

    it('labels a path no route knows as such', async () => {
      const before = refusals().length;
      await send(app, 'get', '/nowhere', EVIL_ORIGIN);
      const logged = refusals().slice(before);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain('unknown path');
      expect(logged[0]).toContain(EVIL_ORIGIN);
    });

    it('logs nothing for allowed requests or requests without Origin', async () => {
      const before = refusals().length;
      await send(app, 'get', '/dbg', APP_ORIGIN);
      await preflight(app, '/dbg', APP_ORIGIN, 'GET');
      await send(app, 'get', '/dbg');
      expect(refusals().slice(before)).toEqual([]);
    });
  });

  describe('debug off (default)', () => {
    let app: INestApplication;
    const logger = new RecordingLogger();

    beforeAll(async () => {
      app = await createApp({ platform, cors: { origin: [APP_ORIGIN] }, controllers: [DebugController], logger });
    });

    afterAll(() => closeAll(app));

    it('does not log refusals', async () => {
      await send(app, 'get', '/dbg/partner', EVIL_ORIGIN);
      expect((await preflight(app, '/dbg', EVIL_ORIGIN, 'GET')).status).toBe(403);
      expect(logger.from(CONTEXT).filter((line) => line.includes('refused'))).toEqual([]);
    });

    it('still says at start-up which routes are open to which origins (one line per policy)', () => {
      const lines = logger.from(CONTEXT);
      expect(lines).toContain(`open to ${APP_ORIGIN}: 1 route and paths no route serves (GET /dbg (DebugController.get))`);
      expect(lines).toContain(`open to ${PARTNER_ORIGIN}: 1 route (GET /dbg/partner (DebugController.partner))`);
      expect(lines).toContain('CORS off (@Cors(false)): no CORS headers, preflights answered 403: 1 route (DELETE /dbg/off (DebugController.off))');
    });
  });
});
