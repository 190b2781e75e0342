import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { startupBanner } from './banner.js';
import { readSampleSettings } from './cors-options.factory.js';
import { startDemoServer } from './demo-server.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // The same settings the CORS options were built from (process.env, then sample/.env, then defaults).
  const settings = readSampleSettings(app.get(ConfigService));
  // Loopback only by default: http://localhost:... and http://127.0.0.1:... (two different origins) both reach it.
  await app.listen(settings.port, settings.host);
  const api = `http://localhost:${settings.port}`;
  await startDemoServer(settings.demoPort, api, settings.host, settings);
  console.log(await startupBanner(api, settings));
}

void bootstrap();
