// Flat config. The plugin is linted with eslint-plugin-obsidianmd's recommended set (the rules
// Obsidian's plugin review applies, type-checked); the daemon, shared code and config files with
// typescript-eslint's recommended set.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import obsidianmd from 'eslint-plugin-obsidianmd';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const PLUGIN_FILES = ['plugin/**/*.{ts,tsx}', 'shared/i18n/**/*.ts'];
const PLUGIN_TESTS = ['plugin/test/**/*.{ts,tsx}'];
// Words the sentence-case rules keep as written (these lists replace the rules' own defaults).
const UI_BRANDS = ['Hisho', 'Obsidian', 'OpenAI', 'Anthropic', 'Google Gemini', 'Gemini', 'Ollama', 'LM Studio'];
const UI_ACRONYMS = ['AI', 'API', 'URL'];

export default defineConfig([
  globalIgnores(['node_modules/', 'dist/', 'main.js', 'drizzle/', 'test-artifacts/', 'bench-results/', '.scratch-*/', '.hisho-dev/']),

  // Everything but the plugin: daemon, shared, root config files.
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    ignores: PLUGIN_FILES,
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },

  // The plugin (and the UI strings it ships), as Obsidian's review sees them.
  {
    files: PLUGIN_FILES,
    extends: [obsidianmd.configs.recommendedWithLocalesEn],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.mjs', 'esbuild.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      'obsidianmd/ui/sentence-case': ['warn', { enforceCamelCaseLower: true, brands: UI_BRANDS, acronyms: UI_ACRONYMS }],
      'obsidianmd/ui/sentence-case-locale-module': ['warn', { brands: UI_BRANDS, acronyms: UI_ACRONYMS }],
      '@typescript-eslint/no-unused-vars': ['warn', { args: 'none', ignoreRestSiblings: true, varsIgnorePattern: '^_' }],
    },
  },

  // The plugin's tests run in Node (vitest) or drive a browser; they never ship in main.js.
  {
    files: PLUGIN_TESTS,
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-globals': 'off',
      'obsidianmd/no-global-this': 'off',
      'obsidianmd/prefer-window-timers': 'off',
      'obsidianmd/no-nodejs-modules': 'off',
      'import/no-extraneous-dependencies': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },

  // The stand-in implements Obsidian's DOM helpers, so it has to use the DOM underneath them.
  {
    files: ['plugin/test/e2e/obsidian-standin.ts'],
    rules: { 'obsidianmd/prefer-create-el': 'off' },
  },

  // The plugin manifest, checked as Obsidian's review checks it (parsed by TypeScript as JSON).
  {
    files: ['manifest.json'],
    plugins: { obsidianmd },
    languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
    rules: { 'obsidianmd/validate-manifest': 'error' },
  },
]);
