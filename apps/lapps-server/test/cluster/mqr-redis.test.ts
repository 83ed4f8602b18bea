// Two servers sharing one Redis (`"mqr": {"backend": "redis"}`), each with 2 worker processes: a
// message posted on one is received on the other, a bcast reaches the clients of both, and a Redis
// that dies mid-test makes posts fail cleanly until it is back. Real processes and a real
// redis-server (scripts/setup.sh installs it), started on a loopback port by the test.
import { afterAll, expect } from 'vitest';
import type WebSocket from 'ws';
import {
  type RedisServer,
  redisCase,
  startRedisServer,
} from '../../../../packages/mqr/test/redis-server.js';
import { ask, connect, describeServers, startLapps, waitUntil } from './lapps-process.js';

// `relay` (network): "sub" subscribes the connection to bcast channel 8; "post:<text>" posts
// <text> to the queue `jobs` and answers "posted" or "post failed: <why>".
// `consumer` (standalone): takes each job and broadcasts "got <job>" on channel 8.
const SERVICES: Record<string, string> = {
  relay: `relay = {}
local q
function relay.onStart() q = mqr.create('jobs') bcast:create(8) end
function relay.onMessage(h, op, msg)
  if msg == 'sub' then
    bcast:subscribe(8, h)
    ws:send(h, 1, 'subscribed')
  else
    local ok, err = q:post(msg:sub(6))
    ws:send(h, 1, ok and 'posted' or ('post failed: ' .. tostring(err)))
  end
  return true
end
function relay.onDisconnect(h) end
function relay.onShutdown() end
return relay`,
  consumer: `consumer = {}
function consumer.init() bcast:create(8) end
function consumer.run()
  local q = mqr.create('jobs')
  while not must_stop() do
    local job = q:recv()
    if job then bcast:send(8, 'got ' .. job) end
  end
end
return consumer`,
};

// One prefix for both servers (they share the queues), fresh per run.
const PREFIX = `test${process.pid}:`;

function startServer(redis: RedisServer, withConsumer: boolean) {
  const services: Record<string, object> = {
    relay: { request_target: '/relay', instances: 2, preload: ['mqr', 'bcast'] },
  };
  if (withConsumer) {
    services['consumer'] = { standalone: true, instances: 1, preload: ['mqr', 'bcast'] };
  }
  return startLapps(SERVICES, services, {
    mqr: { backend: 'redis', redis: { url: redis.url, key_prefix: PREFIX } },
  });
}

/** Collects every text message of a socket. */
function inbox(ws: WebSocket): string[] {
  const messages: string[] = [];
  ws.on('message', (data) => messages.push(String(data)));
  return messages;
}

describeServers('mqr over Redis: two servers', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await redis?.stop();
  });

  redisCase(
    'a post on one server reaches a consumer on the other; bcast reaches the clients of both; a Redis outage fails posts cleanly',
    async () => {
      redis = await startRedisServer();
      const a = startServer(redis, false); // no consumer: posts here are taken on server B
      const b = startServer(redis, true);
      const [urlA, urlB] = await Promise.all([a.url(), b.url()]);
      expect(a.stdout()).toContain(`mqr backend: redis at ${redis.url}`);

      const onA = await connect(`${urlA}/relay`);
      const onB = await connect(`${urlB}/relay`);
      expect(await ask(onA, 'sub')).toBe('subscribed');
      expect(await ask(onB, 'sub')).toBe('subscribed');
      const gotA = inbox(onA);
      const gotB = inbox(onB);

      // Posted on A, taken by B's consumer, broadcast from B to both servers' clients.
      expect(await ask(onA, 'post:first')).toBe('posted');
      await waitUntil(
        'both clients got it',
        () => gotA.includes('got first') && gotB.includes('got first'),
      );
      // Exactly once per client: the relay does not echo a server's own broadcasts back to it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gotA.filter((m) => m === 'got first')).toHaveLength(1);
      expect(gotB.filter((m) => m === 'got first')).toHaveLength(1);

      // Redis dies: a post fails at once with a clear message; the servers keep serving.
      await redis.kill();
      const failed = await ask(onA, 'post:lost');
      expect(failed).toMatch(
        /^post failed: mqr: redis at redis:\/\/127\.0\.0\.1:\d+\/? unavailable/,
      );
      expect(a.child.exitCode).toBeNull();
      expect(b.child.exitCode).toBeNull();

      // Back again: posts resume (after the clients reconnect) and the consumer, still waiting,
      // takes them.
      await redis.restart();
      let answer = '';
      for (let i = 0; i < 100 && answer !== 'posted'; i++) {
        answer = await ask(onA, 'post:second'); // fails fast while the clients reconnect
        if (answer !== 'posted') await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(answer).toBe('posted');
      await waitUntil('the consumer took it after the outage', () => gotB.includes('got second'));
    },
    60_000,
  );
});
