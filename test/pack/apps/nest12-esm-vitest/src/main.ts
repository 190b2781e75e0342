import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { appOptions } from './app.options.js';

const app = await NestFactory.create(AppModule, appOptions);
app.enableShutdownHooks();
await app.listen(process.env.PORT ?? 3000, '127.0.0.1');
console.log(`Listening on ${await app.getUrl()}`);
