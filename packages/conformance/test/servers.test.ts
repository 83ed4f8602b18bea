import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { certificates, type ServerUnderTest, startLapps, startWsEcho } from '../src/index.js';

async function echoOnce(server: ServerUnderTest): Promise<string> {
  const ws = new WebSocket(`${server.url}${server.path}`, {
    ca: server.secure ? certificates().caPem : undefined,
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const reply = new Promise<string>((resolve) =>
    ws.once('message', (data) => resolve(String(data))),
  );
  ws.send('ping?');
  const text = await reply;
  ws.close();
  return text;
}

describe('the servers under test', () => {
  for (const [name, start] of [
    ['lapps', () => startLapps()],
    ['lapps over TLS', () => startLapps({ tls: true })],
    ['ws', () => startWsEcho()],
    ['ws over TLS', () => startWsEcho({ tls: true })],
  ] as const) {
    it(`${name} starts, echoes and stops`, async () => {
      const server = await start();
      try {
        expect(await echoOnce(server)).toBe('ping?');
      } finally {
        expect(await server.stop()).toBe(0);
      }
    });
  }
});
