// The static site of the example page: example/www/ plus the browser bundle of @lapps/protocol,
// and POST /result for the page's automated mode (report=1). Used by serve-example.mjs and by
// test/server/browser-example.test.ts. No dependencies, so it runs from a fresh checkout.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Relative to this file, not to the working directory: `pnpm run example:page` runs from the repo
// root, the test from apps/lapps-server.
const WWW = fileURLToPath(new URL('../example/www/', import.meta.url));
const BUNDLE_DIR = fileURLToPath(
  new URL('../../../packages/protocol/dist/browser/', import.meta.url),
);
/** The only files served from outside www/: the page imports the bundle as ./lapps-client.js. */
const BUNDLE_FILES = new Set(['lapps-client.js', 'lapps-client.js.map']);
/** A file name directly in www/: no separators, no leading dot (so no `..` and no dotfiles). */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/** A result is a small JSON object; anything bigger is not from our page. */
const MAX_RESULT_BYTES = 1024 * 1024;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * An http.Server (not listening yet) for the example site. `onResult` receives the parsed JSON
 * body of each POST /result; without it, results are answered 404.
 * @param {{ onResult?: (result: unknown) => void }} [options]
 * @returns {import('node:http').Server}
 */
export function createExampleSite({ onResult } = {}) {
  return createServer((request, response) => {
    handle(request, response, onResult).catch((error) => {
      if (!response.headersSent) send(response, 500, `internal error: ${error.message}\n`);
      else response.destroy();
    });
  });
}

async function handle(request, response, onResult) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    return send(response, 400, 'bad request path\n');
  }
  if (pathname === '/result') {
    if (request.method !== 'POST') return send(response, 405, 'POST only\n', { allow: 'POST' });
    if (onResult === undefined) return send(response, 404, 'nobody is collecting results\n');
    return receiveResult(request, response, onResult);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return send(response, 405, 'GET or HEAD only\n', { allow: 'GET, HEAD' });
  }
  if (pathname === '/') {
    response.writeHead(302, { location: '/echo_lapps.html' });
    return response.end();
  }
  const name = pathname.slice(1);
  // Everything else is rejected here, before any path is built: `..`, `/a/b`, `%2e%2e%2f`...
  if (!PLAIN_NAME.test(name)) return send(response, 404, 'not found\n');
  const bundled = BUNDLE_FILES.has(name);
  let body;
  try {
    body = await readFile(join(bundled ? BUNDLE_DIR : WWW, name));
  } catch (error) {
    if (bundled && error.code === 'ENOENT') {
      return send(
        response,
        404,
        `${name} is not built: run \`pnpm --filter @lapps/protocol run build\`\n`,
      );
    }
    // ENOENT, EISDIR...: nothing servable under that name.
    return send(response, 404, 'not found\n');
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
    'content-length': body.length,
    // A development server: a rebuilt bundle or an edited page must show on reload.
    'cache-control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function receiveResult(request, response, onResult) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_RESULT_BYTES) {
        send(response, 413, 'result too large\n');
        request.destroy();
        resolve();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', () => resolve());
    request.on('end', () => {
      let result;
      try {
        result = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        send(response, 400, 'the body is not JSON\n');
        resolve();
        return;
      }
      send(response, 204, '');
      onResult(result);
      resolve();
    });
  });
}

function send(response, status, text, headers = {}) {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(status === 204 ? undefined : text);
}
