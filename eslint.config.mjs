// @ts-check
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const SERVER = './apps/server/src';

/**
 * The server's ranks, lowest first: a folder may import from its own rank and the ranks below
 * it, never from one above. `sources` (where data comes in) and `outbound` (where it leaves)
 * share a rank and do not import each other. See apps/server/src/README.md.
 */
const RANKS = [['platform'], ['identity'], ['fleet'], ['sources', 'outbound']];

/** One zone per (rank, folder of a higher rank or a sibling of the same rank): forbidden. */
function rankZones() {
  const zones = [];
  RANKS.forEach((rank, level) => {
    const above = RANKS.slice(level + 1).flat();
    for (const folder of rank) {
      const forbidden = [...above, ...rank.filter((other) => other !== folder)];
      for (const from of forbidden) {
        zones.push({
          target: `${SERVER}/${folder}`,
          from: `${SERVER}/${from}`,
          message: `${folder}/ may not import from ${from}/ (ranks: platform < identity < fleet < sources | outbound)`,
        });
      }
    }
  });
  // The shared libraries know nothing of the apps.
  zones.push({ target: './libs', from: './apps', message: 'libs/ may not import from apps/' });
  return zones;
}

export default tseslint.config(
  { ignores: ['dist/', '.dist-*/', '.exp/', 'node_modules/', 'coverage/', 'libs/database/src/generated/', 'apps/web/dist/', 'apps/agent/dist/', 'bench/results/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The architecture, kept by the linter: no import cycles, no import from a higher rank.
    files: ['apps/server/**/*.ts', 'apps/simulator/**/*.ts', 'apps/agent/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // The TypeScript parser for the files imported too: without it no-cycle sees no imports.
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: rankZones() }],
    },
  },
  {
    // One store per module owns its SQL: only stores (and the platform's database plumbing)
    // hold the database client.
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/**/*.store.ts', 'apps/server/src/**/store/*.ts', 'apps/server/src/platform/database/**', 'apps/server/src/platform/health/**', 'apps/server/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@pharos/database',
              importNames: ['PrismaService'],
              message: 'Only a module\'s store (*.store.ts) touches the database; call the store, or Transactions for a transaction spanning stores.',
            },
            {
              name: 'class-validator',
              importNames: ['IsOptional'],
              message: 'IsOptional lets null through to a NOT NULL column: use Optional() (or Nullable() where null clears) from platform/http/field-rules.',
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard takes only types from the shared protocol library: a value import pulls the
    // validators into the bundle (and their code generation breaks the page under its CSP).
    files: ['apps/web/src/**/*.ts', 'apps/web/src/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@pharos/protocol', allowTypeImports: true, message: 'The dashboard imports only types from @pharos/protocol (import type …).' }],
          patterns: [{ group: ['@pharos/protocol/*'], allowTypeImports: true, message: 'The dashboard imports only types from @pharos/protocol (import type …).' }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
