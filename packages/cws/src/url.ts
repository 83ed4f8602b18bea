import { CwsError } from './errors.js';

/** Where a WebSocket URL points, split the way the transport and the handshake need it. */
export interface WebSocketTarget {
  /** The URL as the `url` property shows it: `ws:` or `wss:` scheme, serialized by WHATWG URL. */
  readonly href: string;
  /** `wss:` (or `https:`): TLS. */
  readonly secure: boolean;
  /** The host as the URL has it: a name (punycoded), an IPv4 literal or a bracketed IPv6 one. */
  readonly host: string;
  /** The port to connect to (the scheme's default when the URL has none). */
  readonly port: number;
  /** The port for the Host header: undefined when it is the scheme's default (RFC 6455 4.1). */
  readonly explicitPort: number | undefined;
  /** The request-target: path and query, never the fragment. */
  readonly path: string;
}

const DEFAULT_PORT = { 'ws:': 80, 'wss:': 443 } as const;

// WHATWG WebSockets, constructor step 4: http and https are accepted and mean ws and wss.
const SCHEME_ALIASES: Readonly<Record<string, 'ws:' | 'wss:'>> = {
  'ws:': 'ws:',
  'wss:': 'wss:',
  'http:': 'ws:',
  'https:': 'wss:',
};

/**
 * Parses a WebSocket URL as the browser's constructor does (WHATWG WebSockets, steps 1-6). Throws
 * LAPPS_ERR_CWS_URL for a URL that does not parse, any scheme but ws/wss/http/https, or a fragment.
 * Credentials (`ws://user:pass@host`) are refused too: browsers drop them, and sending nothing
 * where the caller wrote a password would fail silently; put an Authorization header in `headers`.
 *
 * @example
 * parseWebSocketUrl('ws://[::1]:8080/chat?room=1')
 * // { href: 'ws://[::1]:8080/chat?room=1', secure: false, host: '[::1]', port: 8080, explicitPort: 8080, path: '/chat?room=1' }
 */
export function parseWebSocketUrl(input: string | URL): WebSocketTarget {
  const text = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
  if (text === undefined) {
    throw new CwsError('LAPPS_ERR_CWS_URL', `url: expected a string or a URL, got ${typeof input}`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CwsError('LAPPS_ERR_CWS_URL', `url ${JSON.stringify(text)} is not an absolute URL`);
  }
  const scheme = SCHEME_ALIASES[url.protocol];
  if (scheme === undefined) {
    throw new CwsError(
      'LAPPS_ERR_CWS_URL',
      `url ${JSON.stringify(text)}: scheme "${url.protocol.slice(0, -1)}" is not ws, wss, http or https`,
    );
  }
  // `hash` is '' both without a fragment and with an empty one ("ws://h/#"); the spec refuses both.
  if (url.hash !== '' || url.href.endsWith('#')) {
    throw new CwsError(
      'LAPPS_ERR_CWS_URL',
      `url ${JSON.stringify(text)}: WebSocket URLs cannot have a fragment ("#...")`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new CwsError(
      'LAPPS_ERR_CWS_URL',
      `url ${JSON.stringify(text)}: credentials in the URL are not sent; pass an Authorization header in options.headers`,
    );
  }
  // Both are special schemes, so switching between them is allowed and drops a default port.
  if (url.protocol !== scheme) url.protocol = scheme;
  const explicitPort = url.port === '' ? undefined : Number(url.port);
  return {
    href: url.href,
    secure: scheme === 'wss:',
    host: url.hostname,
    port: explicitPort ?? DEFAULT_PORT[scheme],
    explicitPort,
    path: url.pathname + url.search,
  };
}
