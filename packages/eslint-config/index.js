// Shared flat config: typescript-eslint strictTypeChecked plus the house rules (HOUSE_STYLE §8).
import tseslint from 'typescript-eslint';
import unicorn from 'eslint-plugin-unicorn';

/** @param {string} tsconfigRootDir the workspace folder */
export default function config(tsconfigRootDir) {
  return tseslint.config(
    { ignores: ['dist/**', 'node_modules/**'] },
    ...tseslint.configs.strictTypeChecked,
    {
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir } },
      plugins: { unicorn },
      rules: {
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/switch-exhaustiveness-check': 'error',
        '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
        'max-params': ['error', 3],
        'unicorn/filename-case': ['error', { case: 'kebabCase' }],
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['@svclab/*/src/*', '@svclab/*/src'],
                message: 'Cross packages through their exports only.',
              },
              {
                group: ['**/packages/**', '**/apps/**'],
                message: 'Import workspaces by package name, never by path.',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['**/*.test.ts'],
      rules: { 'max-params': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
    },
  );
}
