// One behavioural suite, two transports (STYLE.md, from crossws): the caps, the deadline and the
// counting are written once and run over plain TCP and over TLS.
import type net from 'node:net';
import { connect, Listener, type ListenerOptions } from '../src/index.js';
import type { ServerCertificate, TestPki } from './certificates.js';

export type ListenOverrides = Omit<ListenerOptions, 'host' | 'port'> &
  Partial<Pick<ListenerOptions, 'host' | 'port'>>;

export interface Transport {
  name: 'plain' | 'tls';
  listen(options: ListenOverrides): Promise<Listener>;
  /** A client that completes TCP (and TLS, verified) before resolving. */
  connect(port: number): Promise<net.Socket>;
}

/** Listeners opened by a test file, closed in its afterEach. */
export const openListeners = new Set<Listener>();

export async function closeListeners(): Promise<void> {
  const all = [...openListeners];
  openListeners.clear();
  await Promise.all(all.map((listener) => listener.close()));
}

export async function listen(options: ListenerOptions): Promise<Listener> {
  const listener = await Listener.listen(options);
  openListeners.add(listener);
  return listener;
}

export function transports(
  material: () => { pki: TestPki; server: ServerCertificate },
): Transport[] {
  return [
    {
      name: 'plain',
      listen: (options) => listen({ host: '127.0.0.1', port: 0, ...options }),
      connect: (port) => connect({ host: '127.0.0.1', port, timeoutMs: 2000 }),
    },
    {
      name: 'tls',
      listen: (options) => {
        const { server } = material();
        return listen({
          host: '127.0.0.1',
          port: 0,
          tls: { files: { cert: server.cert, key: server.key }, minVersion: 'TLSv1.2' },
          ...options,
        });
      },
      connect: (port) =>
        connect({ host: '127.0.0.1', port, tls: { ca: material().pki.caPem }, timeoutMs: 2000 }),
    },
  ];
}
