import 'reflect-metadata';
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Test } from '@nestjs/testing';
import { CORS_METADATA } from 'nestjs-route-cors';
import { HealthController } from '../health/health.controller.js';
import { FeedController } from './feed.controller.js';
import { FeedService } from './feed.service.js';

describe('FeedController', () => {
  let controller: FeedController;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [FeedController], providers: [FeedService] }).compile();
    controller = moduleRef.get(FeedController);
  });

  it('lists the feed (FeedService injected)', () => {
    assert.deepEqual(controller.list(), { items: ['a', 'b'] });
  });

  it("marks open() with @Cors('public')", () => {
    assert.equal(Reflect.getMetadata(CORS_METADATA, FeedController.prototype.open)?.policy, 'public');
  });

  it("marks HealthController.check() with @Cors({ origin: '*', credentials: false })", () => {
    assert.deepEqual(Reflect.getMetadata(CORS_METADATA, HealthController.prototype.check)?.options, { origin: '*', credentials: false });
  });
});
