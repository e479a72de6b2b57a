/**
 * The production-topology suite (npm run test:cluster): PostgreSQL and the Temporal server started by
 * scripts/test-cluster.sh, worker processes started by each test. One file at a time: they share the servers.
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 300000,
};
