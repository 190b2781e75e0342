// Decorator metadata must survive the build: constructor injection by type (no @Inject tokens)
// works in controllers, and the CORS hook (whose service is injected the same way) is mounted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Param, type INestApplication } from '@nestjs/common';
import { Cors } from '../../lib/index.js';
import { APP_ORIGIN, closeAll, corsHeaders, createApp, PARTNER_ORIGIN, preflight, send, PLATFORMS, type Platform } from './support/app-factory.js';

@Injectable()
class GreetingService {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

@Injectable()
class UsersService {
  constructor(private readonly greetings: GreetingService) {}
  find(id: string) {
    return { id, greeting: this.greetings.greet(id) };
  }
}

@Cors({ origin: PARTNER_ORIGIN, exposedHeaders: ['X-Total-Count'] })
@Controller('users')
class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  findOne(@Param('id') id: string) {
    return this.users.find(id);
  }
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('dependency injection through the CORS hook', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({ platform, cors: { origin: [APP_ORIGIN] }, controllers: [UsersController], providers: [UsersService, GreetingService] });
    });

    afterAll(() => closeAll(app));

    it('a controller with an injected service (injected by type) answers 200 with the route policy', async () => {
      const res = await send(app, 'get', '/users/ada', PARTNER_ORIGIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: 'ada', greeting: 'hello ada' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN, 'access-control-expose-headers': 'X-Total-Count' });
    });

    it('the preflight is answered by the hook', async () => {
      const res = await preflight(app, '/users/ada', PARTNER_ORIGIN, 'GET');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
      expect((await preflight(app, '/users/ada', APP_ORIGIN, 'GET')).status).toBe(403);
    });
  });
});
