import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CorsModule } from 'nestjs-route-cors';
import { AuthGuard } from './auth/auth.guard.js';
import { TokenService } from './auth/token.service.js';
import { corsOptions } from './cors/cors.config.js';
import { FeedController } from './feed/feed.controller.js';
import { FeedService } from './feed/feed.service.js';
import { HealthController } from './health/health.controller.js';
import { InternalController } from './internal/internal.controller.js';
import { PublicController } from './public/public.controller.js';

@Module({
  imports: [CorsModule.forRoot(corsOptions())],
  controllers: [FeedController, PublicController, InternalController, HealthController],
  providers: [FeedService, TokenService, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
