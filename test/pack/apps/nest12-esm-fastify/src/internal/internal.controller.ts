import { Controller, Get } from '@nestjs/common';
import { Cors } from 'nestjs-route-cors';
import { Public } from '../auth/public.decorator.js';

/** Same-origin only: no CORS headers, preflights refused. */
@Public()
@Cors(false)
@Controller('internal')
export class InternalController {
  @Get()
  metrics() {
    return { up: 1 };
  }
}
