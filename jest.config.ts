import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/web/', '/dist/', '/.data/'],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { module: { type: 'commonjs' } }] },
  // ESM-only packages (typebox, otplib and its deps, cookie via light-my-request) are compiled to CJS.
  transformIgnorePatterns: [
    '/node_modules/(?!(typebox|otplib|@otplib|@scure|@noble|cookie|content-disposition|@apidevtools)/)',
  ],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};

export default config;
