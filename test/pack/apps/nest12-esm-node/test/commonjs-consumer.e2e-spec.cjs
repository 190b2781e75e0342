// A CommonJS consumer of Nest 12 (Node >= 20.19 loads its ES modules through require(esm)): it
// gets the package's CommonJS build, whose route discovery require()s Nest 12's ESM route sorter
// under the "specificity" strategy. Plain JavaScript, decorators applied by hand.
'use strict';

require('reflect-metadata');
const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const request = require('supertest');
const { CorsModule, Cors } = require('nestjs-route-cors');

function decorateMethod(proto, key, ...decorators) {
  let descriptor = Object.getOwnPropertyDescriptor(proto, key);
  for (const decorator of [...decorators].reverse()) descriptor = decorator(proto, key, descriptor) ?? descriptor;
  Object.defineProperty(proto, key, descriptor);
}

class ItemsController {
  item(id) {
    return { id };
  }
  open() {
    return { open: true };
  }
}
// ':id' first: only the specificity order sends GET /items/open to open().
decorateMethod(ItemsController.prototype, 'item', Get(':id'));
Param('id')(ItemsController.prototype, 'item', 0);
decorateMethod(ItemsController.prototype, 'open', Cors('public'), Get('open'));
Controller('items')(ItemsController);

class AppModule {}
Module({
  imports: [CorsModule.forRoot({ origin: ['https://app.example.com'], policies: { public: { origin: '*' } } })],
  controllers: [ItemsController],
})(AppModule);

describe('CommonJS consumer of Nest 12', () => {
  let app;

  before(async () => {
    app = await NestFactory.create(AppModule, { logger: ['error', 'warn'], routeResolutionStrategy: 'specificity' });
    await app.init();
  });

  after(async () => {
    await app?.close();
  });

  it('loads the CommonJS build', () => {
    assert.match(require.resolve('nestjs-route-cors'), /nestjs-route-cors[\\/]dist[\\/]cjs[\\/]index\.js$/);
  });

  it('follows Nest 12 specificity order: /items/open gets its own policy (*), /items/:id the global one', async () => {
    const open = await request(app.getHttpServer()).get('/items/open').set('Origin', 'https://evil.example.net').expect(200, { open: true });
    assert.equal(open.headers['access-control-allow-origin'], '*');
    const item = await request(app.getHttpServer()).get('/items/7').set('Origin', 'https://app.example.com').expect(200, { id: '7' });
    assert.equal(item.headers['access-control-allow-origin'], 'https://app.example.com');
    const refused = await request(app.getHttpServer()).get('/items/7').set('Origin', 'https://evil.example.net').expect(200);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
  });
});
