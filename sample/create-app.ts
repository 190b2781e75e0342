import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { samplePlatform, type SamplePlatform } from './cors-options.factory.js';

/**
 * The sample application on Express (default) or on Fastify (PLATFORM=fastify): the same module,
 * guard and decorators on both; nestjs-route-cors picks its platform from the adapter.
 */
export function createSampleApp(platform: SamplePlatform = samplePlatform(), logger?: false | LogLevel[]): Promise<INestApplication> {
  const options = logger === undefined ? {} : { logger };
  return platform === 'fastify' ? NestFactory.create(AppModule, new FastifyAdapter(), options) : NestFactory.create(AppModule, options);
}
