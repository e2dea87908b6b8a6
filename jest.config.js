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
  // Two files at a time, also on a 2-core machine: the lab tests spend most of their time waiting on
  // protocol rounds in their own namespaces (unique names), so two overlap well (npm test 13 -> 6 min on
  // 2 cores, every suite passing); fixed, not per core, so a larger machine runs what was tested here.
  maxWorkers: 2,
};
