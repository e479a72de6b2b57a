/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
    // hyparquet(-writer) ship ES modules only; Node 20 requires them natively but Jest's loader cannot.
    '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer)/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The production-topology suite has its own servers and config (npm run test:cluster).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  // Integration tests start a dev server each; on 2 cores run test files one at a time.
  maxWorkers: 1,
  testTimeout: 120000,
};
