import react from '@vitejs/plugin-react';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { defineConfig, type Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Writes `<file>.br` and `<file>.gz` beside each text asset of the build, at the highest
 * levels (once per build, not per request): Pharos serves them to browsers that accept them
 * (`outbound/web/web-app.ts`, `preCompressed`).
 */
function precompress(): Plugin {
  return {
    name: 'pharos-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      const files = Object.keys(bundle).filter((name) => /\.(js|css|html|svg|json)$/.test(name));
      await Promise.all(
        files.map(async (name) => {
          const file = path.join(dir, name);
          const data = await readFile(file);
          await writeFile(`${file}.br`, await brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
          await writeFile(`${file}.gz`, await gzipped(data, { level: 9 }));
        }),
      );
    },
  };
}

// `npm run dev` serves the dashboard with hot reload and forwards the API and the
// WebSockets to a Pharos running on :8080; `npm run build` writes dist/, which Pharos serves.
// Source maps are written for debugging on the server's disk, without the comment that would
// point browsers at them (Pharos does not serve them).
export default defineConfig({
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: 'hidden', chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      '/api': { target: 'http://localhost:8080', ws: true },
    },
  },
});
