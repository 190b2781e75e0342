// The README's snapshot recipe for Jest, as written there: any change to the CORS surface shows
// up as a diff of the committed snapshot.
import { expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { CorsInspector } from 'nestjs-route-cors';
import { AppModule } from '../src/app.module.js';
import { appOptions } from '../src/app.options.js';

it('CORS surface', async () => {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ ...appOptions, logger: false });
  await app.init();
  expect(app.get(CorsInspector).routes()).toMatchSnapshot();
  await app.close();
});
