import { Injectable } from '@nestjs/common';

@Injectable()
export class FeedService {
  list() {
    return { items: ['a', 'b'] };
  }
}
