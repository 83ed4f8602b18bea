import { describe, expect, it } from 'vitest';
import { CwsError, parseWebSocketUrl } from '../src/index.js';

describe('parseWebSocketUrl', () => {
  it('splits ws and wss URLs, with default ports left out of Host', () => {
    expect(parseWebSocketUrl('ws://example.com/chat?room=1')).toEqual({
      href: 'ws://example.com/chat?room=1',
      secure: false,
      host: 'example.com',
      port: 80,
      explicitPort: undefined,
      path: '/chat?room=1',
    });
    expect(parseWebSocketUrl('wss://example.com:443')).toMatchObject({
      href: 'wss://example.com/',
      secure: true,
      port: 443,
      explicitPort: undefined,
      path: '/',
    });
    expect(parseWebSocketUrl(new URL('ws://example.com:8080/x'))).toMatchObject({
      port: 8080,
      explicitPort: 8080,
    });
  });

  it('maps http to ws and https to wss, as the WHATWG constructor does', () => {
    expect(parseWebSocketUrl('http://h:80/a').href).toBe('ws://h/a');
    expect(parseWebSocketUrl('https://h/a')).toMatchObject({ href: 'wss://h/a', secure: true });
    expect(parseWebSocketUrl('https://h:80/')).toMatchObject({ port: 80, explicitPort: 80 });
  });

  it('keeps IPv6 literals in brackets', () => {
    expect(parseWebSocketUrl('ws://[::1]:8080/x')).toMatchObject({
      host: '[::1]',
      port: 8080,
      path: '/x',
    });
  });

  it('percent-encodes the path and punycodes the host', () => {
    expect(parseWebSocketUrl('ws://bücher.example/ü ü')).toMatchObject({
      host: 'xn--bcher-kva.example',
      path: '/%C3%BC%20%C3%BC',
    });
  });

  it.each([
    ['relative', '/chat'],
    ['other scheme', 'ftp://example.com/'],
    ['fragment', 'ws://example.com/#x'],
    ['empty fragment', 'ws://example.com/#'],
    ['credentials', 'ws://user:secret@example.com/'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_, url) => {
    expect(() => parseWebSocketUrl(url)).toThrow(
      expect.objectContaining({ name: 'CwsError', code: 'LAPPS_ERR_CWS_URL' }),
    );
  });

  it('refuses what is neither a string nor a URL', () => {
    expect(() => parseWebSocketUrl(42 as never)).toThrow(CwsError);
  });
});
