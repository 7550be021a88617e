import { defineConfig } from 'vitest/config';
import swc from 'unplugin-swc';
import path from 'node:path';

const r = (p: string) => path.resolve(__dirname, p);

// SWC (not esbuild) compiles the TypeScript so Nest gets decorator metadata, as in the tsc build.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    alias: {
      '@parley/contracts': r('libs/contracts/src/index.ts'),
      '@parley/core': r('libs/core/src/index.ts'),
      '@parley/persistence': r('libs/persistence/src/index.ts'),
      '@parley/auth': r('libs/auth/src/index.ts'),
      '@parley/realtime': r('libs/realtime/src/index.ts'),
      '@parley/channel-kit': r('libs/channel-kit/src/index.ts'),
      '@parley/platform': r('libs/platform/src/index.ts'),
      '@parley/channel-api': r('channels/api/src/index.ts'),
      '@parley/channel-email': r('channels/email/src/index.ts'),
      '@parley/channel-webchat': r('channels/webchat/src/index.ts'),
      '@parley/channel-twilio': r('channels/twilio/src/index.ts'),
      '@parley/channel-meta': r('channels/meta/src/index.ts'),
      '@parley/channel-telegram': r('channels/telegram/src/index.ts'),
    },
  },
  test: {
    include: ['libs/**/*.spec.ts', 'channels/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    globalSetup: ['test/fixtures/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
