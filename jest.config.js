/** One test command for every suite: unit (pure domain), integration (real Postgres/Kafka) and e2e (HTTP). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  },
];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@ops/domain$': '<rootDir>/libs/domain/src',
    '^@ops/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^@ops/infra$': '<rootDir>/libs/infra/src',
    '^@ops/infra/(.*)$': '<rootDir>/libs/infra/src/$1',
    '^@ops/read-models$': '<rootDir>/libs/read-models/src',
    '^@ops/read-models/(.*)$': '<rootDir>/libs/read-models/src/$1',
  },
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};
