// Lints the TypeScript sources and tests with typescript-eslint's recommended rules.
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  // src-ts/generated is written by scripts/gen-ops.js and checked by `npm run ops:check`.
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'prebuilds/**', 'coverage/**', 'src-ts/generated/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      // Function is the honest type for constructors handed to native code.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      // `using _guard = ...` holds a resource for its scope; the name is never read.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
    },
  },
);
