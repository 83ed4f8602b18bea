#!/usr/bin/env node
// Serves the example page (example/www/) and the browser bundle of @lapps/protocol on 127.0.0.1.
// Usage: node apps/lapps-server/scripts/serve-example.mjs [--port 8080]
// (or `pnpm run example:page`), with the example server running (`pnpm start`).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createExampleSite } from './example-site.mjs';

const HOST = '127.0.0.1';

let port;
try {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
  port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port takes a port number (0-65535), got ${values.port}`);
  }
} catch (error) {
  console.error(`serve-example: ${error.message}`);
  process.exit(2);
}

const bundle = fileURLToPath(
  new URL('../../../packages/protocol/dist/browser/lapps-client.js', import.meta.url),
);
if (!existsSync(bundle)) {
  // Still serve: the page then shows the failed import, and a rebuild needs no restart.
  console.warn('serve-example: the client bundle is missing: run `pnpm run build` first');
}

const site = createExampleSite({
  // With ?report=1 the page posts what it saw; print it for whoever is watching.
  onResult: (result) => console.log(`result: ${JSON.stringify(result)}`),
});
site.on('error', (error) => {
  console.error(`serve-example: ${error.message}`);
  process.exit(1);
});
site.listen(port, HOST, () => {
  const { port: bound } = site.address();
  console.log(`example page: http://${HOST}:${bound}/echo_lapps.html`);
  console.log('it connects to ws://127.0.0.1:5083/echo_lapps (start the server: `pnpm start`);');
  console.log('another server: append ?ws=<url>. Ctrl-C stops.');
});
