import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// Unit tests for the console's logic (environment node, no DOM). The Svelte plugin compiles the runes in
// *.svelte.ts stores so they can be tested as plain modules.
export default defineConfig({
  root: here,
  plugins: [svelte({ compilerOptions: { runes: true } })],
  resolve: {
    alias: { '@parley/contracts': path.resolve(here, '../../libs/contracts/src/index.ts') },
    conditions: ['browser'],
  },
  test: {
    environment: 'node',
    include: ['src/**/*.spec.ts'],
  },
});
