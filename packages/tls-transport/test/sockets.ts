// Small socket helpers shared by the live tests: read what a peer sends, wait for events, all with
// bounded waits so a broken test fails instead of hanging.
import { once } from 'node:events';
import type net from 'node:net';

/** Everything the peer sends until the socket closes (resolves on 'close', errors included). */
export function readUntilClose(
  socket: net.Socket,
  timeoutMs = 3000,
): Promise<{ data: Buffer; error?: Error }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let error: Error | undefined;
    const timer = setTimeout(
      () => reject(new Error(`socket still open after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (cause) => {
      error = cause;
    });
    socket.once('close', () => {
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      resolve(error === undefined ? { data } : { data, error });
    });
  });
}

/** The next `length` bytes (or fewer if the socket ends first). */
export function readBytes(socket: net.Socket, length: number, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', done);
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= length) done();
    };
    const timer = setTimeout(() => {
      socket.off('data', onData);
      reject(new Error(`got ${received} of ${length} bytes in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', onData);
    socket.once('close', done);
  });
}

/** Writes `text` and reads the same number of bytes back (for echo servers). */
export async function echo(socket: net.Socket, text: string): Promise<string> {
  socket.write(text);
  return (await readBytes(socket, Buffer.byteLength(text))).toString();
}

/** Polls until `predicate` is true (for counters that change on a later 'close'). */
export async function waitUntil(
  predicate: () => boolean,
  what: string,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves with the socket's 'close', or rejects after `timeoutMs`. */
export async function closed(socket: net.Socket, timeoutMs = 3000): Promise<void> {
  if (socket.closed) return;
  const timeout = AbortSignal.timeout(timeoutMs);
  await once(socket, 'close', { signal: timeout });
}

/** An echo handler for `onConnection`: ready at once, sends back whatever arrives. */
export function echoConnection(socket: net.Socket, conn: { ready(): void }): void {
  conn.ready();
  socket.on('data', (chunk: Buffer) => socket.write(chunk));
  // A plain-TCP socket arrives paused (pauseOnConnect); a 'data' listener alone does not resume it.
  socket.resume();
}
