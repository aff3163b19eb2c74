import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** Each app stands alone; only the single-node composition wires several together. */
const otherApps = (app) =>
  ['api', 'projector', 'host-agent']
    .filter((other) => other !== app)
    .map((other) => ({
      group: [`**/${other}/src`, `**/${other}/src/**`],
      message: `apps/${app} does not import apps/${other}: share through libs/ (only the single-node composition wires apps together)`,
    }));

/**
 * The layering: apps → libs/read-models → {libs/infra, libs/domain}; infra → domain; the domain is pure
 * (no framework, no infrastructure, no I/O).
 */
const boundaries = [
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                '@ops/infra',
                '@ops/infra/*',
                '@ops/read-models',
                '@ops/read-models/*',
                '**/infra/**',
                '**/read-models/**',
                '**/apps/**',
                'typeorm',
                'pg',
                'kafkajs',
                '@eventstore/*',
                'express',
                'undici',
                'pino',
                'nestjs-pino',
                'stripe',
                'lago-javascript-client',
                'fs',
                'fs/*',
                'node:fs',
                'node:fs/*',
                'child_process',
                'node:child_process',
                'net',
                'node:net',
                'http',
                'node:http',
                'https',
                'node:https',
                'node:os',
                'os',
              ],
              message:
                'libs/domain is pure: no framework, no infrastructure and no I/O (see docs/ARCHITECTURE.md)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**'], message: 'libs/ never imports an app' },
            {
              group: ['@ops/read-models', '@ops/read-models/*', '**/read-models/src/**'],
              message: 'libs/infra is below the read models: it never imports libs/read-models',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/read-models/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/**'], message: 'libs/ never imports an app' }] },
      ],
    },
  },
  ...['api', 'projector', 'host-agent'].map((app) => ({
    files: [`apps/${app}/src/**/*.ts`],
    ignores: ['apps/api/src/single-node.module.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: otherApps(app) }] },
  })),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      '.cache/**',
      'coverage/**',
      '*.config.js',
      '*.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  ...boundaries,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**', '**/*.spec.ts', 'apps/*/src/cli/**'],
    rules: { 'no-console': 'off' },
  },
);
