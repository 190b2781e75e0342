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
   * Guarded. Declared before `open`: under Nest 12's "specificity" route resolution strategy
   * (see main.ts) GET /feed/open still reaches `open`, and its CORS policy must follow.
   */
  @Get(':id')
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
