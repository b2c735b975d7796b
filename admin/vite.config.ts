import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const cspInlineStyles = fileURLToPath(new URL('./src/mantine-csp.tsx', import.meta.url));

/**
 * Mantine's `<style>` elements (responsive AppShell and Grid rules) break the console's CSP
 * (`style-src 'self'`): its InlineStyles module is swapped for one that adopts a constructed stylesheet.
 */
function mantineCspStyles(): Plugin {
  return {
    name: 'relais:mantine-csp-styles',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer?.includes('@mantine/core') && /InlineStyles\/InlineStyles\.mjs$/.test(source)) {
        return cspInlineStyles;
      }
      return null;
    },
  };
}

/** The console is served by Relais under /admin (see src/server/admin-console.ts). */
export default defineConfig({
  root,
  base: '/admin/',
  plugins: [mantineCspStyles(), react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Strict CSP (script-src 'self'): no inline module-preload polyfill, assets as files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    // Mantine is large but the console is a staff tool loaded once; no need to warn about it.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npx vite --config admin/vite.config.ts` during development, with Relais on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  logLevel: 'warn',
});
