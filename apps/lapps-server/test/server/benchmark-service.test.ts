import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { StandaloneService } from '@lapps/lua-bridge';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { LappsServer } from '../../src/server/lapps-server.js';
import { silentLogger } from '../../src/server/logger.js';
import { networkServiceFactories, startStandaloneServices } from '../../src/server/lua-services.js';
import { serverOptionsFrom } from '../../src/server/server-options.js';

/**
 * The example `benchmark` service (cws from Lua) loading the example Lua `echo` service of the same
 * server, as LAppS 0.9's headline benchmark ran: every instance reports its messages per second.
 */
describe('the benchmark service', () => {
  let server: LappsServer;
  let standalone: StandaloneService[] = [];
  const lines: { service?: string; instance?: number; msg: string }[] = [];

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'lapps-bench-svc-'));
    const example = new URL('../../example/', import.meta.url).pathname;
    cpSync(join(example, 'apps'), join(root, 'apps'), { recursive: true });
    mkdirSync(join(root, 'conf'));
    writeFileSync(
      join(root, 'conf', 'ws.json'),
      JSON.stringify({ ip: '127.0.0.1', port: 0, log: { level: 'silent' } }),
    );
    const echo = { request_target: '/echo', max_inbound_message_size: 65536 };
    const write = (services: object) =>
      writeFileSync(
        join(root, 'conf', 'lapps.json'),
        JSON.stringify({ directories: { applications: '../apps' }, services }),
      );
    write({ echo });
    const serverConfig = loadConfig({ confDir: join(root, 'conf'), env: {} });
    const quiet = silentLogger();
    server = await LappsServer.start(serverOptionsFrom(serverConfig), {
      services: networkServiceFactories(serverConfig, quiet),
      log: quiet,
    });
    // The benchmark needs the port, known only now.
    write({
      echo,
      benchmark: {
        standalone: true,
        instances: 2,
        preload: ['cws', 'time'],
        settings: { url: `${server.url}/echo`, connections: 5, payload: 512 },
      },
    });
    const config = loadConfig({ confDir: join(root, 'conf'), env: {} });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
        done();
      },
    });
    standalone = await startStandaloneServices(config, pino({ level: 'info' }, sink));
  });

  afterAll(async () => {
    await Promise.all(standalone.map((s) => s.stop()));
    await server?.shutdown();
  });

  it('every instance reports the echoes it received each second', async () => {
    const reports = () => lines.filter((l) => /messages received per \d+ ms/.test(l.msg));
    const deadline = Date.now() + 15000;
    while (new Set(reports().map((l) => l.instance)).size < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const byInstance = new Map<number | undefined, number>();
    for (const l of reports()) {
      const count = Number(/^(\d+) messages/.exec(l.msg)?.[1]);
      byInstance.set(l.instance, (byInstance.get(l.instance) ?? 0) + count);
      expect(l.service).toBe('benchmark');
    }
    expect([...byInstance.keys()].sort()).toEqual([0, 1]);
    for (const count of byInstance.values()) expect(count).toBeGreaterThan(0);
    expect(lines.filter((l) => /benchmark: connection/.test(l.msg))).toEqual([]);
  });

  it('stopping the service closes its connections (the echo service sees them go)', async () => {
    await Promise.all(standalone.map((s) => s.stop()));
    standalone = [];
    const deadline = Date.now() + 5000;
    while (server.connectionCount > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(server.connectionCount).toBe(0);
  });
});
