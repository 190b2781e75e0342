import { Body, Controller, Get, Header, HttpCode, Post, Put, Res } from '@nestjs/common';
import { Cors } from 'nestjs-route-cors';
import { DEMO_TOKEN, SESSION_COOKIE } from './auth.guard.js';
import { Public } from './public.decorator.js';

/** Open to every origin, without credentials: the named policy "public". */
@Public()
@Cors('public')
@Controller('feed')
export class FeedController {
  @Get()
  list() {
    return [
      { id: 1, title: 'Per-route CORS for NestJS' },
      { id: 2, title: 'Preflights answered before guards run' },
    ];
  }
}

/** What both Express's response and Fastify's reply offer: the sample sets its cookie with it, on either platform. */
interface HeaderWriter {
  header(name: string, value: string): unknown;
}

// Written by hand rather than with res.cookie(): Fastify has no cookie support without a plugin.
const SESSION_SET = `${SESSION_COOKIE}=demo; Path=/; HttpOnly; SameSite=Lax`;
const SESSION_CLEAR = `${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax`;

/** Cookie login for the front end listed in CORS_ORIGINS (global policy: credentials). */
@Controller('auth')
export class AuthController {
  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Res({ passthrough: true }) res: HeaderWriter) {
    res.header('Set-Cookie', SESSION_SET);
    return { loggedIn: true, token: DEMO_TOKEN };
  }

  @Public()
  @Post('logout')
  @HttpCode(200)
  logout(@Res({ passthrough: true }) res: HeaderWriter) {
    res.header('Set-Cookie', SESSION_CLEAR);
    return { loggedIn: false };
  }
}

/** Credentialed endpoints behind the global AuthGuard (cookie or Authorization header). */
@Controller('account')
export class AccountController {
  private profile = { name: 'Ada', theme: 'dark' };

  @Get('me')
  me() {
    return this.profile;
  }

  @Put('profile')
  update(@Body() body: { name?: string; theme?: string }) {
    this.profile = { ...this.profile, ...body };
    return this.profile;
  }
}

/** A route that exposes one response header to scripts and keeps another one hidden. */
@Public()
@Controller('reports')
export class ReportsController {
  @Get()
  @Cors({ exposedHeaders: ['X-Total-Count'] })
  @Header('X-Total-Count', '42')
  @Header('X-Internal-Trace', 'not-for-scripts')
  list() {
    return [{ id: 1, total: 42 }];
  }
}

/** Never callable from another origin: no CORS headers, preflights refused. */
@Public()
@Cors(false)
@Controller('internal')
export class InternalController {
  @Get('metrics')
  metrics() {
    return { uptime: process.uptime() };
  }
}

/** The named policy "partner": origins from PARTNER_ORIGINS, subdomain patterns allowed. */
@Public()
@Cors('partner')
@Controller('partners')
export class PartnersController {
  @Get('catalog')
  catalog() {
    return [{ sku: 'A-1' }];
  }
}

@Public()
@Controller('health')
export class HealthController {
  @Get()
  health() {
    return { ok: true };
  }
}
