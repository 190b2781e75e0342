import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CorsModule } from 'nestjs-route-cors';
import { AuthGuard } from './auth/auth.guard';
import { TokenService } from './auth/token.service';
import { corsOptions } from './cors/cors.config';
import { FeedController } from './feed/feed.controller';
import { FeedService } from './feed/feed.service';
import { InternalController } from './internal/internal.controller';
import { PublicController } from './public/public.controller';

@Module({
  imports: [CorsModule.forRoot(corsOptions())],
  controllers: [FeedController, PublicController, InternalController],
  providers: [FeedService, TokenService, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
