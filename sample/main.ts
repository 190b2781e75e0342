import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { startDemoServer } from './demo-server.js';

async function bootstrap(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const demoPort = Number(process.env.DEMO_PORT ?? 5173);
  const app = await NestFactory.create(AppModule);
  // Loopback only: http://localhost:... and http://127.0.0.1:... (two different origins) both reach it.
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  await startDemoServer(demoPort, `http://localhost:${port}`, host);
  const api = `http://localhost:${port}`;
  console.log(`
nestjs-route-cors sample is running.

  API        ${api}
  Demo page  http://localhost:${demoPort}   (an allowed origin: open it in a browser)
             http://127.0.0.1:${demoPort}   (another origin: the credentialed calls are blocked)

Try from a shell (curl ignores CORS; look at the Access-Control-* headers):
  curl -i ${api}/feed -H 'Origin: https://anywhere.example'
  curl -i -X OPTIONS ${api}/account/profile -H 'Origin: http://localhost:${demoPort}' -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type, authorization'
  curl -i ${api}/account/me -H 'Origin: http://localhost:${demoPort}'          # the guard's 401, with CORS headers
  curl -i ${api}/internal/metrics -H 'Origin: http://localhost:${demoPort}'    # @Cors(false): no CORS headers
`);
}

void bootstrap();
