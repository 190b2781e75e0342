import { swcTransform } from '../jest.swc.js';

export default {
  rootDir: '.',
  testRegex: '.e2e-spec.ts$',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: swcTransform,
};
