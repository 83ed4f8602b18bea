import { describe, expect, it } from 'vitest';

// The read-in-place mechanism itself is tested in @lapps/tls-transport (test/read-in-place.test.ts).
describe('the server over plain TCP', () => {
  it('serves its connections through the fast read path', async () => {
    const { startServer, client, opened, nextMessage } = await import('./harness.js');
    const server = await startServer('plain', undefined);
    const ws = client(server, '/echo', undefined);
    await opened(ws);
    const reply = nextMessage(ws);
    ws.send('via onread');
    expect((await reply).data.toString()).toBe('via onread');
    expect(server.fastReadConnections).toBe(1);
    ws.close();
    await server.shutdown();
  });
});
