// Two projects: `unit` needs nothing; `lab` builds network namespaces and needs root.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'lab',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/lab/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      // Root, namespaces and every program the lab tests run: checked once, named in one message.
      globalSetup: '<rootDir>/test/lab/helpers/preflight.ts',
      slowTestThreshold: 60,
    },
  ],
  testTimeout: 120000,
};
