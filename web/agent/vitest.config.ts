import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// Unit tests for the console's pure logic only (no DOM, no Svelte compilation needed).
export default defineConfig({
  root: here,
  resolve: {
    alias: { '@parley/contracts': path.resolve(here, '../../libs/contracts/src/index.ts') },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.spec.ts'],
  },
});
