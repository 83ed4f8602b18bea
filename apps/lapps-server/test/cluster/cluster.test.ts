// `lapps start` with 2 worker processes: placement, forwarding, bcast across workers, restarts of a
// crashed or stalled worker, and a graceful shutdown under load. Real processes, run from source.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeCertificates } from '../server/certificates.js';
import { ask, connect, describeServers, startLapps } from './lapps-process.js';

// whoami answers with an id unique to its Lua state; pub/sub broadcasts; slow stalls the worker
// in one uninterruptible call (a backtracking pattern: one VM instruction the count hook cannot cut).
const SERVICES: Record<string, string> = {
  whoami: `whoami = {}
local me
function whoami.onStart() me = tostring(math.random(1, 1000000000)) end
function whoami.onMessage(h, op, msg) ws:send(h, 1, me .. ' ' .. msg) return true end
function whoami.onDisconnect(h) end
function whoami.onShutdown() end
return whoami`,
  pubsub: `pubsub = {}
function pubsub.onStart() bcast:create(5) end
function pubsub.onMessage(h, op, msg)
  if msg == 'sub' then bcast:subscribe(5, h) ws:send(h, 1, 'subscribed') return true end
  return bcast:send(5, msg)
end
function pubsub.onDisconnect(h) end
function pubsub.onShutdown() end
return pubsub`,
  slow: `slow = {}
function slow.onStart() end
function slow.onMessage(h, op, msg)
  if msg == 'stall' then string.find(string.rep('a', 40), string.rep('a?', 40) .. string.rep('a', 40) .. 'b') end
  ws:send(h, op, msg)
  return true
end
function slow.onDisconnect(h) end
function slow.onShutdown() end
return slow`,
};

// The default stall timeout (10 s) except in the stall test: a 1 s one also kills a worker that a
// loaded CI machine merely leaves unscheduled for a second, which drops its connections mid-test.
function cluster(services: Record<string, object>, ws: Record<string, unknown> = {}) {
  return startLapps({ ...SERVICES, one: SERVICES.slow!.replaceAll('slow', 'one') }, services, {
    workers: { workers: 2 },
    ...ws,
  });
}

const whoami2 = { whoami: { request_target: '/who', instances: 2 } };

describeServers('lapps start with 2 workers', () => {
  it('prints the placement; connections land on both workers; SIGTERM exits 0', async () => {
    const run = cluster({ ...whoami2, one: { request_target: '/one', instances: 1 } });
    const [, url] = await run.waitFor(/listening on (ws:\/\/[^\s"]+)/);
    const { stdout } = run.output();
    expect(stdout).toContain('2 worker processes');
    expect(stdout).toMatch(/worker 0: .*whoami#0/);
    expect(stdout).toMatch(/worker 1: .*whoami#1/);
    const ids = new Set<string>();
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 8; i++) {
      const ws = await connect(`${url}/who`);
      sockets.push(ws);
      ids.add((await ask(ws, 'x')).split(' ')[0]!);
    }
    // Each worker runs one whoami instance: replies from two states = connections on both.
    expect(ids.size).toBe(2);
    const closes = sockets.map((ws) => new Promise<number>((r) => ws.once('close', r)));
    run.child.kill('SIGTERM');
    expect(await Promise.all(closes)).toEqual(sockets.map(() => 1001));
    expect(await run.exited).toBe(0);
  });

  it('forwards a 1-instance service to the worker that runs it, messages in order', async () => {
    const run = cluster({ whoami: { request_target: '/who', instances: 1 } });
    const [, url] = await run.waitFor(/listening on (ws:\/\/[^\s"]+)/);
    const ids = new Set<string>();
    for (let c = 0; c < 6; c++) {
      const ws = await connect(`${url}/who`);
      const got: string[] = [];
      const all = new Promise<void>((resolve) =>
        ws.on('message', (d) => {
          got.push(String(d));
          if (got.length === 200) resolve();
        }),
      );
      for (let i = 0; i < 200; i++) ws.send(String(i));
      await all;
      const [id] = got[0]!.split(' ');
      ids.add(id!);
      expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `${id} ${i}`));
      ws.close();
    }
    expect(ids.size).toBe(1); // one instance served every connection, local or forwarded
  });

  it('bcast reaches subscribers on both workers', async () => {
    const run = cluster({ pubsub: { request_target: '/ps', instances: 2, preload: ['bcast'] } });
    const [, url] = await run.waitFor(/listening on (ws:\/\/[^\s"]+)/);
    const subscribers: WebSocket[] = [];
    for (let i = 0; i < 4; i++) {
      const ws = await connect(`${url}/ps`);
      expect(await ask(ws, 'sub')).toBe('subscribed');
      subscribers.push(ws);
    }
    const received = subscribers.map(
      (ws) => new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d)))),
    );
    const publisher = await connect(`${url}/ps`);
    publisher.send('news');
    expect(await Promise.all(received)).toEqual(subscribers.map(() => 'news'));
  });

  it('kill -9 of a worker drops only its connections; the server answers and the worker comes back', async () => {
    const run = cluster(whoami2);
    const [, url] = await run.waitFor(/listening on (ws:\/\/[^\s"]+)/);
    const [, pid] = await run.waitFor(/worker 1 ready \(pid (\d+)\)/);
    const ready = run.output().stdout.length;
    const workerPids = new Map([[1, Number(pid)]]);
    process.kill(workerPids.get(1)!, 'SIGKILL');
    await run.waitFor(/worker 1 exited[^\n]*restarting/);
    // Meanwhile new connections are served (by the live worker, or the restarted one).
    const ws = await connect(`${url}/who`);
    expect(await ask(ws, 'ping')).toMatch(/ ping$/);
    // Back, with a new process.
    const readyAgain = () => /worker 1 ready \(pid (\d+)\)/.exec(run.output().stdout.slice(ready));
    await run.waitUntil('worker 1 ready again', () => readyAgain() !== null, 12_000);
    expect(Number(readyAgain()![1])).not.toBe(Number(pid));
  });

  it('a worker stalled in an uninterruptible Lua call is killed, named in the log, and replaced', async () => {
    const run = cluster(
      { slow: { request_target: '/slow', instances: 2 } },
      { workers: { workers: 2, stall_timeout_ms: 1000 } },
    );
    const [, url] = await run.waitFor(/listening on (ws:\/\/[^\s"]+)/);
    const ws = await connect(`${url}/slow`);
    expect(await ask(ws, 'fine')).toBe('fine');
    ws.send('stall');
    const stalled = await run.waitFor(/stalled[^\n]*slow#\d/);
    expect(stalled[0]).toMatch(/slow#[01]/);
    await run.waitFor(/restarting/);
    // The server keeps answering.
    const again = await connect(`${url}/slow`);
    expect(await ask(again, 'still here')).toBe('still here');
  });

  it('SIGTERM under load: every client gets 1001, echoes arrive in order with no gap, exit 0', async () => {
    const run = cluster({ whoami: { request_target: '/who', instances: 1 } });
    const [, url] = await run.waitFor(/listening on (ws:\/\/[^\s"]+)/);
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect(`${url}/who`)));
    const results = clients.map((ws) => {
      let next = 0;
      let inOrder = true;
      ws.on('message', (d) => {
        const n = Number(String(d).split(' ')[1]);
        if (n !== next) inOrder = false;
        next++;
        if (ws.readyState === WebSocket.OPEN) ws.send(String(next));
      });
      ws.send('0');
      return new Promise<{ code: number; inOrder: boolean; echoes: number }>((resolve) =>
        ws.once('close', (code) => resolve({ code, inOrder, echoes: next })),
      );
    });
    await new Promise((r) => setTimeout(r, 500));
    run.child.kill('SIGTERM');
    const done = await Promise.all(results);
    for (const r of done) {
      expect(r.code).toBe(1001);
      expect(r.inOrder).toBe(true);
      expect(r.echoes).toBeGreaterThan(0);
    }
    expect(await run.exited).toBe(0);
  });

  it('SIGHUP reloads the certificates in every worker; open connections keep going', async () => {
    const first = makeCertificates();
    const second = makeCertificates();
    const live = join(mkdtempSync(join(tmpdir(), 'lapps-live-certs-')), 'x');
    mkdirSync(live);
    copyFileSync(first.cert, join(live, 'cert.pem'));
    copyFileSync(first.key, join(live, 'key.pem'));
    const run = cluster(whoami2, {
      tls: true,
      tls_certificates: { cert: join(live, 'cert.pem'), key: join(live, 'key.pem') },
    });
    const [, url] = await run.waitFor(/listening on (wss:\/\/[^\s"]+)/);
    const old = await connect(`${url}/who`, first.caPem);
    expect(await ask(old, 'before')).toMatch(/ before$/);
    copyFileSync(second.cert, join(live, 'cert.pem'));
    copyFileSync(second.key, join(live, 'key.pem'));
    run.child.kill('SIGHUP');
    await run.waitFor(/TLS certificates reloaded[^\n]*\n(.|\n)*TLS certificates reloaded/);
    // New connections, on both workers, get the new certificate.
    for (let i = 0; i < 4; i++) {
      const fresh = await connect(`${url}/who`, second.caPem);
      expect(await ask(fresh, `new ${i}`)).toMatch(new RegExp(` new ${i}$`));
      fresh.close();
    }
    expect(await ask(old, 'after')).toMatch(/ after$/);
  });
});
