/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Integration tests share one dev server per file and are slow to start; run files one at a time on 2 cores.
  maxWorkers: 1,
  testTimeout: 120000,
  verbose: false,
};
