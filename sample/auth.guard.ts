import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { IS_PUBLIC } from './public.decorator.js';

export const SESSION_COOKIE = 'sample_session';
export const DEMO_TOKEN = 'demo-token';

/**
 * A global guard (APP_GUARD), as most real applications have: it rejects every request without a
 * session cookie or a bearer token. Preflights never reach it: the CORS hook answers them first.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>();
    if (req.headers.authorization === `Bearer ${DEMO_TOKEN}`) return true;
    if (readCookie(req.headers.cookie, SESSION_COOKIE)) return true;
    throw new UnauthorizedException('Log in first: POST /auth/login, or send Authorization: Bearer demo-token');
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
