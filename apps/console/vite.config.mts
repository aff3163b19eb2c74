import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/** Built into dist/console and served by the API process at /console (ConsoleStatic). */
export default defineConfig({
  root: here,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(here, '../../dist/console'),
    emptyOutDir: true,
    // The server's CSP allows scripts from 'self' only: no inline module preload polyfill.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    // The budget is on the gzipped initial load (300 KB, test/browser/console-bundle.test.ts), not on this.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      // MUI marks its modules 'use client' for React Server Components, which a browser bundle ignores.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
