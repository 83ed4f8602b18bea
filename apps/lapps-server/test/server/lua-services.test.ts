import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandaloneService } from '@lapps/lua-bridge';
import { loadConfig } from '../../src/config/index.js';
import { LappsServer } from '../../src/server/lapps-server.js';
import { silentLogger } from '../../src/server/logger.js';
import { networkServiceFactories, startStandaloneServices } from '../../src/server/lua-services.js';
import { serverOptionsFrom } from '../../src/server/server-options.js';
import { client, closed, nextMessage, opened } from './harness.js';

/**
 * The example configuration's Lua services (echo, clock + time_broadcast, chat) run by the real
 * bridge, plus a service that fails and one that loops forever.
 */
describe('Lua services in the server', () => {
  let server: LappsServer;
  let standalone: StandaloneService[];

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'lapps-lua-'));
    const example = new URL('../../example/', import.meta.url).pathname;
    cpSync(join(example, 'apps'), join(root, 'apps'), { recursive: true });
    mkdirSync(join(root, 'conf'));
    mkdirSync(join(root, 'apps', 'faulty'));
    writeFileSync(
      join(root, 'apps', 'faulty', 'faulty.lua'),
      `faulty = {}
function faulty.onStart() end
function faulty.onMessage(handler, opcode, message)
  if message == "error" then error("asked to fail") end
  if message == "loop" then while true do end end
  if message == "false" then return false end
  ws:send(handler, opcode, message)
  return true
end
function faulty.onDisconnect(handler) end
function faulty.onShutdown() end
return faulty
`,
    );
    writeFileSync(
      join(root, 'conf', 'ws.json'),
      JSON.stringify({ ip: '127.0.0.1', port: 0, log: { level: 'silent' } }),
    );
    const lapps = JSON.parse(
      (await import('node:fs')).readFileSync(join(example, 'conf', 'lapps.json'), 'utf8'),
    ) as { directories: { applications: string }; services: Record<string, object> };
    lapps.services['faulty'] = { request_target: '/faulty', instances: 1 };
    lapps.services['echo'] = { ...lapps.services['echo'], instances: 3 };
    writeFileSync(join(root, 'conf', 'lapps.json'), JSON.stringify(lapps));
    const config = loadConfig({ confDir: join(root, 'conf'), env: {} });
    const log = silentLogger();
    server = await LappsServer.start(serverOptionsFrom(config), {
      services: networkServiceFactories(config, log),
      log,
    });
    standalone = await startStandaloneServices(config, log);
  });

  afterAll(async () => {
    await Promise.all(standalone.map((s) => s.stop()));
    await server.shutdown();
  });

  it('echoes every byte value and a 4 MiB message through Lua', async () => {
    const ws = client(server, '/echo', undefined);
    await opened(ws);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    let reply = nextMessage(ws);
    ws.send(all);
    expect((await reply).data.equals(all)).toBe(true);
    const big = Buffer.alloc(4 * 1024 * 1024, 0x5a);
    reply = nextMessage(ws);
    ws.send(big);
    expect((await reply).data.equals(big)).toBe(true);
    ws.close();
  });

  it('pushes the time from the standalone service to /clock subscribers', async () => {
    const ws = client(server, '/clock', undefined);
    await opened(ws);
    const subscribed = nextMessage(ws);
    ws.send('subscribe');
    expect(String((await subscribed).data)).toBe('subscribed');
    const tick = Number(String((await nextMessage(ws)).data));
    expect(Math.abs(tick - Date.now())).toBeLessThan(5000);
    ws.close();
  });

  it('broadcasts chat messages to every member', async () => {
    const a = client(server, '/chat', undefined);
    const b = client(server, '/chat', undefined);
    await Promise.all([opened(a), opened(b)]);
    const joinedA = nextMessage(a);
    a.send('a joins');
    await joinedA;
    // From now on both are members: b's messages reach a and b.
    const joinedB = nextMessage(b);
    const joinToA = nextMessage(a);
    b.send('b joins');
    expect(String((await joinedB).data)).toBe('b joins');
    expect(String((await joinToA).data)).toBe('b joins');
    const helloToA = nextMessage(a);
    const helloToB = nextMessage(b);
    b.send('hello');
    expect(String((await helloToA).data)).toBe('hello');
    expect(String((await helloToB).data)).toBe('hello');
    a.close();
    b.close();
  });

  it('delivers a message that arrives together with the end of the connection', async () => {
    const member = client(server, '/chat', undefined);
    await opened(member);
    const joined = nextMessage(member);
    member.send('member joins');
    await joined;
    const last = nextMessage(member);
    // Upgrade, one masked text frame (zero mask) and the FIN, in one write.
    const text = Buffer.from('last words');
    const frame = Buffer.concat([Buffer.from([0x81, 0x80 | text.length, 0, 0, 0, 0]), text]);
    const upgrade =
      'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.end(Buffer.concat([Buffer.from(upgrade), frame]));
    expect(String((await last).data)).toBe('last words');
    member.close();
  });

  it('closes with 1011 on a Lua error, false or a runaway loop; others keep being served', async () => {
    for (const trigger of ['error', 'false', 'loop']) {
      const bad = client(server, '/faulty', undefined);
      const good = client(server, '/echo', undefined);
      await Promise.all([opened(bad), opened(good)]);
      const code = closed(bad);
      bad.send(trigger);
      const started = Date.now();
      const reply = nextMessage(good);
      good.send('still here');
      expect(String((await reply).data)).toBe('still here');
      expect((await code).code).toBe(1011);
      expect(Date.now() - started).toBeLessThan(trigger === 'loop' ? 10000 : 2000);
      // The faulty instance itself still serves.
      const again = client(server, '/faulty', undefined);
      await opened(again);
      const echoed = nextMessage(again);
      again.send('fine');
      expect(String((await echoed).data)).toBe('fine');
      again.close();
      good.close();
    }
  });
});
