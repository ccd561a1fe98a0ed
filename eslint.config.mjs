// Flat ESLint config. The layering rules here are how the architecture is enforced:
// only src/main/index.ts and src/main/shell/ may import electron; the core never
// imports the shell; the renderer never imports main; shared imports neither.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { readdirSync } from 'node:fs';

const electronBan = {
  name: 'electron',
  message: 'Only src/main/index.ts and src/main/shell/ may import electron; the core must run under plain Node.',
};

// Board types, one folder each; contract/ and kit/ are what they share.
const BOARDS_DIR = 'src/main/core/boards';
const SHARED_BOARD_DIRS = ['contract', 'kit'];
const boardTypes = readdirSync(BOARDS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !SHARED_BOARD_DIRS.includes(d.name))
  .map((d) => d.name);
const coreLayering = [
  { group: ['**/shell', '**/shell/**'], message: 'The core must not depend on the Electron shell.' },
  { group: ['**/renderer/**'], message: 'The core must not import the renderer.' },
];
const boardsLayering = [
  ...coreLayering,
  {
    group: ['**/engine', '**/engine/**', '**/agents', '**/agents/**', '**/api/**', '**/server/**'],
    message: 'boards/ is below the engine and the agents: it must not import them.',
  },
];
/** An adapter sees the contract, the kit and core utilities; never another adapter, nor the list of modules. */
const adapterRules = boardTypes.map((type) => ({
  files: [`${BOARDS_DIR}/${type}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          electronBan,
          ...['..', '../index', '../board-set', '../saved-boards'].map((name) => ({
            name,
            message: 'An adapter imports only boards/contract, boards/kit and core utilities.',
          })),
        ],
        patterns: [
          ...boardsLayering,
          {
            group: boardTypes.filter((t) => t !== type).flatMap((t) => [`../${t}`, `../${t}/**`]),
            message: `Adapters never import one another: move what ${type} shares into boards/kit or boards/contract.`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tools/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [electronBan] }],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: coreLayering,
        },
      ],
    },
  },
  {
    files: [`${BOARDS_DIR}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan], patterns: boardsLayering }] },
  },
  ...adapterRules,
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto'],
              message: 'shared/ runs in the browser too: no Node APIs.',
            },
            { group: ['**/main/**', '**/renderer/**'], message: 'shared/ depends on nothing but zod.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            {
              group: ['**/main/**', '**/preload/**', 'node:*'],
              message: 'The renderer talks to main only through the contract.',
            },
          ],
        },
      ],
    },
  },
  {
    // Electron is allowed exactly here.
    files: ['src/main/index.ts', 'src/main/shell/**/*.ts', 'src/preload/**/*.ts', 'test/e2e/electron.spec.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
