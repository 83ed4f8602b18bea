import type net from 'node:net';
import tls from 'node:tls';

/**
 * Starts the server side of TLS over an accepted (paused) TCP socket and calls `onSecure` once the
 * handshake is done. Handshake failures arrive as 'error' on the returned socket.
 *
 * Why not `tls.createServer`: it starts TLS inside its own 'connection' handler, before the ACL and
 * the caps could look at the raw socket, and its handshake timeout counts from the wrap, not from
 * accept. Wrapping ourselves does what `tls.Server`'s connection listener does (node
 * lib/_tls_wrap.js, tlsConnectionListener and onServerSocketSecure), with one context we can swap
 * on reload.
 */
export function startServerTls(
  raw: net.Socket,
  secureContext: tls.SecureContext,
  onSecure: (socket: tls.TLSSocket) => void,
): tls.TLSSocket {
  const socket = new tls.TLSSocket(raw, {
    isServer: true,
    secureContext,
    requestCert: false,
    rejectUnauthorized: false,
  });
  // 'secure' is what tls.Server itself listens for; 'secureConnect' is the client's event.
  socket.once('secure', () => {
    releaseControl(socket);
    if (!socket.destroyed) onSecure(socket);
  });
  return socket;
}

interface TlsSocketInternals {
  _releaseControl?: () => boolean;
}

/**
 * Until "control is released", a server TLSSocket swallows TLS errors that come after the handshake
 * (they are only emitted as the internal '_tlsError'), leaving a broken socket open. tls.Server
 * releases it on 'secure'; so do we. If a Node version drops the method, fall back to destroying
 * the socket on '_tlsError', which is what the released socket's 'error' leads to anyway.
 */
function releaseControl(socket: tls.TLSSocket): void {
  const release = (socket as unknown as TlsSocketInternals)._releaseControl;
  if (typeof release === 'function') {
    release.call(socket);
    return;
  }
  socket.on('_tlsError', (error: Error) => socket.destroy(error));
}
