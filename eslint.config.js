// ESLint (flat config): lint rules only — formatting is Prettier's (.prettierrc.json, `npm run format`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'train/runs/**', 'research/**', 'corpus/**', 'models/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Unused names are errors, except deliberately ignored ones (_x).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // The demo page's script runs in browsers.
  { files: ['web/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
);
