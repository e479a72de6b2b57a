// Lint rules that protect the two things that break Temporal projects silently:
// forgotten promises (no-floating-promises) and non-deterministic workflow code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
// A production install (`npm ci --omit=dev`) has only `dependencies`: runtime code must not import the rest.
const devDependencies = Object.keys(JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).devDependencies);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Runtime code (everything in src but the benchmarks, which compare against dev-only references).
    files: ['src/**/*.ts'],
    ignores: ['src/bench/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: devDependencies.flatMap((d) => [d, `${d}/*`]), allowTypeImports: true,
          message: 'A devDependency: absent from a production install (npm ci --omit=dev).' }],
      }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no fs, no I/O libraries,
    // and activities only as types.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
        patterns: [
          { group: ['**/io/**', '**/activities/**', '**/worker/**', '**/client/**'], allowTypeImports: true,
            message: 'Workflows may import activities, io, worker or client modules only with `import type`.' },
          { group: ['@temporalio/activity', '@temporalio/worker', '@temporalio/client', 'pino', 'systeminformation'],
            message: 'Not allowed in the workflow sandbox.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'No process access in workflow code.' },
        { name: 'setInterval', message: 'Use sleep()/condition() from @temporalio/workflow.' },
        { name: 'require', message: 'No dynamic require in workflow code.' }],
    },
  },
);
