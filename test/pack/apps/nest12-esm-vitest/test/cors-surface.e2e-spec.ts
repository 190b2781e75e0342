// The README's snapshot recipe for Vitest, as written there: any change to the CORS surface shows
// up as a diff of test/cors-surface.json (the file `nestjs-route-cors report --json` prints).
import { Test } from '@nestjs/testing';
import { CorsInspector } from 'nestjs-route-cors';
import { expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { appOptions } from '../src/app.options.js';

it('CORS surface', async () => {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ ...appOptions, logger: false });
  await app.init();
  const routes = app.get(CorsInspector).routes();
  await expect(`${JSON.stringify(routes, null, 2)}\n`).toMatchFileSnapshot('./cors-surface.json');
  await app.close();
});
