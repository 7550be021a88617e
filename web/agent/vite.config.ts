import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const api = process.env.PARLEY_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  base: '/',
  plugins: [svelte()],
  resolve: {
    alias: { '@parley/contracts': path.resolve(here, '../../libs/contracts/src/index.ts') },
  },
  build: {
    outDir: path.resolve(here, '../../dist/web/agent'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api': api,
      '/widget.js': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});
