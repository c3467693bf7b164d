import tseslint from 'typescript-eslint';

// Only rules that catch real bugs, as errors. Formatting is prettier's job.
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'libs/prisma/src/generated/', '.data/', 'coverage/', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  { files: ['e2e/**/*.ts', '**/*.spec.ts', 'scripts/**/*.ts'], rules: { 'no-console': 'off' } },
);
