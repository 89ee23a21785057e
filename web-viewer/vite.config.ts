import { createLogger } from 'vite';
import { defineConfig } from 'vitest/config';

// The DICOM codecs' Emscripten glue names Node's fs and path for when it runs under Node; in the browser Vite
// leaves them out and says so once per codec. That notice is expected here and is silenced.
const logger = createLogger();
const warn = logger.warn;
logger.warn = (message, options) => {
  // Rolldown's note on its plugins' share of a slow build, too: on a busy 2-core CI machine every build is slow.
  if (!message.includes('has been externalized for browser compatibility') && !message.includes('[PLUGIN_TIMINGS]')) {
    warn(message, options);
  }
};

// For development (npm run dev / preview): the server whose API and DICOMweb the pages use.
const server = process.env.GLASSBOX_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: './',
  customLogger: logger,
  build: {
    // Straight into the jar's META-INF/resources: Quarkus serves those files at /.
    outDir: 'target/classes/META-INF/resources',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  // The DICOM image loader starts its decoding worker from its own module URL: pre-bundling would break it.
  optimizeDeps: { exclude: ['@cornerstonejs/dicom-image-loader'], include: ['dicom-parser'] },
  server: { proxy: { '/api': server, '/dicomweb': server } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
