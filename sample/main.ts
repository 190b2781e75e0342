import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { startupBanner } from './banner.js';
import { readSampleSettings } from './cors-options.factory.js';
import { createSampleApp } from './create-app.js';
import { startDemoServer } from './demo-server.js';

async function bootstrap(): Promise<void> {
  // PLATFORM=fastify runs it on Fastify; Express otherwise.
  const app = await createSampleApp();
  // The same settings the CORS options were built from (process.env, then sample/.env, then defaults).
  const settings = readSampleSettings(app.get(ConfigService));
  // Loopback only by default: http://localhost:... and http://127.0.0.1:... (two different origins) both reach it.
  await app.listen(settings.port, settings.host);
  const api = `http://localhost:${settings.port}`;
  await startDemoServer(settings.demoPort, api, settings.host, settings);
  console.log(await startupBanner(api, settings, app.getHttpAdapter().getType()));
}

void bootstrap();
