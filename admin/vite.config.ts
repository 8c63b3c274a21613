import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The build runs from the repo root (`vite build --config admin/vite.config.ts`),
// so every path is anchored to this folder rather than to the working directory.
const here = fileURLToPath(new URL('.', import.meta.url));
const api = 'http://localhost:3000';
const CHARTS = /node_modules[\\/](recharts|victory-vendor|d3-[a-z-]+|internmap|@reduxjs|redux|react-redux|redux-thunk|immer|reselect|decimal\.js-light)[\\/]/;

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: `${here}dist`,
    emptyOutDir: true,
    // react-admin with its own dependencies is ~510 kB minified (~160 kB gzip) and is
    // needed on the first screen anyway: splitting it further would only add requests.
    chunkSizeWarningLimit: 600,
    // Libraries change far less often than the console: separate chunks stay cached
    // across our deploys.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // recharts and what only it uses: loaded with the supply screen's forecast charts,
            // not at start (lowest priority, so the shared runtime helpers stay out of it).
            { name: 'charts', test: CHARTS, priority: 0 },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            { name: 'mui', test: /node_modules[\\/](@mui|@emotion)[\\/]/, priority: 2 },
            { name: 'vendor', test: (id: string) => /node_modules[\\/]/.test(id) && !CHARTS.test(id), priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': api,
      '/docs': api,
    },
  },
});
