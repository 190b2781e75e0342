// The servers of the browser suite, all on loopback: blank pages on the origins the browser runs
// scripts from, the sample application, and a small extra application; plus a log of what
// actually reached the Nest servers (to tell "the browser hid the response" from "never sent").
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

export const HOST = '127.0.0.1';

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

export function listen(server: Server, port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A free loopback port, for a server that must be given its port (the sample's demo server). */
export async function freePort(): Promise<number> {
  const probe = await listen(createServer());
  const port = portOf(probe);
  await closeServer(probe);
  return port;
}

/**
 * An empty page on every path: the document a test opens on an origin before running fetch().
 * The same server answers as http://localhost:P, http://127.0.0.1:P and http://app.localhost:P.
 */
export function startBlankPageServer(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>');
  });
  return listen(server);
}

/** One request that reached a Nest server, as its HTTP server received it. */
export interface ServerHit {
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly origin?: string;
  readonly cookie?: string;
  status?: number;
}

/** What reached the Nest servers; a case reads the hits of the fetch it just made. */
export class ServerLog {
  private hits: ServerHit[] = [];

  /** Records every request before anything else (including the CORS hook) sees it. */
  watch(server: Server): void {
    server.prependListener('request', (req: IncomingMessage, res) => {
      const hit: ServerHit = {
        port: portOf(server),
        method: req.method ?? '?',
        path: req.url ?? '/',
        origin: req.headers.origin,
        cookie: req.headers.cookie,
      };
      this.hits.push(hit);
      res.once('finish', () => {
        hit.status = res.statusCode;
      });
    });
  }

  clear(): void {
    this.hits = [];
  }

  /** Hits on the server and path of a URL. */
  for(url: string): ServerHit[] {
    const u = new URL(url);
    return this.hits.filter((h) => h.port === Number(u.port) && h.path === `${u.pathname}${u.search}`);
  }
}

/** The platforms the suite runs every case on. */
export type SuitePlatform = 'express' | 'fastify';

/** Creates a Nest application the way the sample's create-app.ts does, on Express or Fastify, and listens on loopback. */
export async function startNest(module: Type, log: ServerLog, platform: SuitePlatform): Promise<{ app: INestApplication; port: number }> {
  const options = { logger: ['error' as const] };
  const app = platform === 'fastify' ? await NestFactory.create(module, new FastifyAdapter(), options) : await NestFactory.create(module, options);
  await app.listen(0, HOST);
  const server = app.getHttpServer() as Server;
  log.watch(server);
  return { app, port: portOf(server) };
}
