import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * One classic script (IIFE) that sites embed with a <script> tag: no module loader, no separate CSS file.
 * Component styles are compiled into the JS and injected into the widget's shadow root, never the host page.
 * public/demo.html is copied next to it and served at /demo.
 */
export default defineConfig({
  root: here,
  publicDir: path.resolve(here, 'public'),
  plugins: [svelte({ emitCss: false, compilerOptions: { css: 'injected' } })],
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir: path.resolve(here, '../../dist/web/widget'),
    emptyOutDir: true,
    target: 'es2020',
    reportCompressedSize: true,
    lib: {
      entry: path.resolve(here, 'src/main.ts'),
      name: 'ParleyWidgetBundle',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
