// A benchmark server process (forked by run.ts): builds the application of the configuration
// given as JSON in argv[2], listens on 127.0.0.1 on a free port and reports the port, its start-up
// time and memory over IPC. Answers { type: 'memory' } with a memory sample and exits cleanly on
// { type: 'stop' } (so that --cpu-prof can write its profile).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBenchApp } from './app.js';
import type { MemorySample, ParentMessage, ServerConfig, ServerMessage } from './shared.js';

function send(message: ServerMessage): void {
  process.send?.(message);
}

function memory(): MemorySample {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as ServerConfig;
  const { app, startupMs } = await createBenchApp(config);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const port = (server.address() as AddressInfo).port;

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      if (message.gc) (globalThis as { gc?: () => void }).gc?.();
      send({ type: 'memory', memory: memory() });
    }
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system });
    }
    if (message.type === 'stop') {
      server.closeAllConnections();
      void app.close().finally(() => process.exit(0));
    }
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port, startupMs, memory: memory() });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100);
});
