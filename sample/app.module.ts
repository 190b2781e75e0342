import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { CorsModule } from 'nestjs-route-cors';
import { AuthGuard } from './auth.guard.js';
import {
  AccountController,
  AuthController,
  FeedController,
  HealthController,
  InternalController,
  PartnersController,
  ReportsController,
} from './controllers.js';
import { corsOptionsFromConfig } from './cors-options.factory.js';

@Module({
  imports: [
    ConfigModule.forRoot({ envFilePath: ['sample/.env'], isGlobal: true }),
    CorsModule.forRootAsync({
      inject: [ConfigService],
      useFactory: corsOptionsFromConfig,
    }),
  ],
  controllers: [FeedController, AuthController, AccountController, ReportsController, InternalController, PartnersController, HealthController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
