import { Test } from '@nestjs/testing';
import { CORS_METADATA } from 'nestjs-route-cors';
import { beforeEach, describe, expect, it } from 'vitest';
import { FeedController } from './feed.controller.js';
import { FeedService } from './feed.service.js';

describe('FeedController', () => {
  let controller: FeedController;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [FeedController], providers: [FeedService] }).compile();
    controller = moduleRef.get(FeedController);
  });

  it('lists the feed (FeedService injected: decorator metadata reached Nest)', () => {
    expect(controller.list()).toEqual({ items: ['a', 'b'] });
  });

  it("marks open() with @Cors('public')", () => {
    expect(Reflect.getMetadata(CORS_METADATA, FeedController.prototype.open)).toEqual({ policy: 'public' });
  });
});
