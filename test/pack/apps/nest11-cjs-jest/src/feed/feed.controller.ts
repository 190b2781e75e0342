import { Get, Controller } from '@nestjs/common';
import { Cors } from 'nestjs-route-cors';
import { Public } from '../auth/public.decorator';
import { FeedService } from './feed.service';

@Controller('feed')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  /** Guarded; the global CORS policy (the front end, with credentials). */
  @Get()
  list() {
    return this.feed.list();
  }

  /** Public, open to every origin. */
  @Public()
  @Cors('public')
  @Get('open')
  open() {
    return { open: true };
  }
}
