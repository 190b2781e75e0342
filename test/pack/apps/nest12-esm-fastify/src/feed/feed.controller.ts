import { Controller, Get, Param } from '@nestjs/common';
import { Cors } from 'nestjs-route-cors';
import { Public } from '../auth/public.decorator.js';
import { FeedService } from './feed.service.js';

@Controller('feed')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  /** Guarded; the global CORS policy (the front end, with credentials). */
  @Get()
  list() {
    return this.feed.list();
  }

  /**
   * Guarded; the global policy. A find-my-way regex parameter, passed to Fastify as written:
   * /feed/42 is served here, /feed/abc by no route (Fastify's 404).
   */
  @Get(':id(^\\d+)')
  item(@Param('id') id: string) {
    return { id };
  }

  /** Public, open to every origin. */
  @Public()
  @Cors('public')
  @Get('open')
  open() {
    return { open: true };
  }
}
