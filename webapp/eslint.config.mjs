import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {ignores: ['dist/', 'node_modules/', 'coverage/', 'src/manifest.ts']},
    {settings: {react: {version: '16.14'}}},
    js.configs.recommended,
    ...tseslint.configs.recommended,
    react.configs.flat.recommended,
    jsxA11y.flatConfigs.recommended,
    {
        files: ['**/*.{ts,tsx}'],
        plugins: {'react-hooks': reactHooks},
        languageOptions: {globals: {...globals.browser}},
        rules: {
            ...reactHooks.configs.recommended.rules,

            // Mattermost 5.x hosts React 16: the classic JSX runtime, so React
            // must be in scope wherever JSX is.
            'react/react-in-jsx-scope': 'error',
            'react/prop-types': 'off',
            '@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports'}],
            'no-console': 'error',
            eqeqeq: 'error',
        },
    },
    {
        files: ['tests/**/*.{ts,tsx}', 'src/**/*.test.{ts,tsx}'],
        languageOptions: {globals: {...globals.jest, ...globals.node}},
    },
    {
        // The browser benchmark runs in node and, in part, in the page.
        files: ['tests/bench/*.mjs'],
        languageOptions: {globals: {...globals.node, ...globals.browser}},
    },
    {
        files: ['*.js', '*.mjs'],
        languageOptions: {globals: {...globals.node}},
        rules: {'@typescript-eslint/no-require-imports': 'off'},
    },
);
