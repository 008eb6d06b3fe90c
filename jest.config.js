/** jest 30 + ts-jest ESM preset: tests and sources are TypeScript ESM. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 30000,
  // Each run gets its own TMPDIR and fails if a test leaves something in it.
  globalSetup: '<rootDir>/test/helpers/tmpdir-setup.mjs',
  globalTeardown: '<rootDir>/test/helpers/tmpdir-teardown.mjs',
  // Each worker gets its own hwctl state directory (test files share simulated node names).
  setupFiles: ['<rootDir>/test/helpers/state-per-worker.mjs'],
  maxWorkers: 2,
};
