
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies /api to a running stack (make run) on :8000.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': process.env.YUNGUAN_API ?? 'http://localhost:8000' } },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      output: {
        // Only React's runtime is forced into a vendor chunk (every screen needs it; it changes
        // rarely, so it stays cached). antd and ECharts are NOT listed: naming a package here
        // makes its whole entry a chunk (all of antd, all of ECharts — 1.3 MB and 520 kB), while
        // left alone Rollup keeps just the components imported and puts each where it is used
        // (ECharts only in the chunks of pages with charts, via components/EChart.tsx).
        manualChunks(id: string) {
          if (/[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|@remix-run[\\/]router|@tanstack[\\/](react-)?query(-core)?)[\\/]/.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    globals: true,
  },
});
