import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// Unit tests for the widget's pure logic (no DOM); the browser behaviour is covered by test/e2e/widget.browser.test.ts.
export default defineConfig({
  root: here,
  test: { environment: 'node', include: ['src/**/*.spec.ts'] },
});
