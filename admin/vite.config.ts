import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console is served by Relais under /admin (see src/server/admin-console.ts). */
export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Strict CSP (script-src 'self'): no inline module-preload polyfill, assets as files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite --config admin/vite.config.ts` during development, with Relais on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  logLevel: 'warn',
});
