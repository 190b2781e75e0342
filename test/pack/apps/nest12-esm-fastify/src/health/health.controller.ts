import { Controller, Get } from '@nestjs/common';
import { Cors } from 'nestjs-route-cors';
import { Public } from '../auth/public.decorator.js';

/**
 * Public, open to every origin through the decorator's own options rather than a named policy.
 * `credentials: false` is needed: the global policy gives `credentials: true`, and `'*'` with
 * credentials stops the start-up (test/misconfiguration.e2e-spec.ts).
 */
@Public()
@Controller('health')
export class HealthController {
  @Cors({ origin: '*', credentials: false })
  @Get()
  check() {
    return { status: 'ok' };
  }
}
