import { swcTransform } from './jest.swc.js';

/** Jest in ESM mode (NODE_OPTIONS=--experimental-vm-modules): Nest 12 is ESM-only. */
export default {
  rootDir: 'src',
  testRegex: '.*\\.spec\\.ts$',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import './x.js' (Node's ESM rule); Jest resolves those to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: swcTransform,
};
