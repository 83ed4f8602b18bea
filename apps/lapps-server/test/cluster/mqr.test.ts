// mqr's in-server queues in `lapps start` with 2 worker processes: the queues live in the primary,
// receivers in different workers compete for them, and a standalone service waiting in q:recv()
// leaves the worker free to serve its network services. Real processes, run from source.
import { expect, it } from 'vitest';
import { ask, connect, describeServers, type LogLine, startLapps } from './lapps-process.js';

const server = (services: Record<string, object>) => startLapps(SERVICES, services);

// producer waits until every consumer has said hello (so both workers compete from the first
// message), posts 1..count to `jobs`, then one `stop` per consumer. consumer prints each message
// it takes; with `settings.once` it returns at `stop`.
const SERVICES: Record<string, string> = {
  producer: `producer = {}
function producer.init() end
function producer.run()
  local hello = mqr.create('hello')
  for i = 1, settings.consumers do hello:recv() end
  local q = mqr.create('jobs')
  for i = 1, settings.count do
    local ok, err = q:post(tostring(i))
    if not ok then print('post failed: ' .. tostring(err)) end
  end
  for i = 1, settings.consumers do q:post('stop') end
  print('produced ' .. settings.count)
end
return producer`,
  consumer: `consumer = {}
function consumer.init() end
function consumer.run()
  local q = mqr.create('jobs')
  mqr.create('hello'):post(instance_id)
  print('waiting ' .. instance_id)
  while not must_stop() do
    local m, err = q:recv()
    if m == nil then
      print('recv failed ' .. tostring(err))
    elseif m == 'stop' and settings.once then
      print('done ' .. instance_id)
      return
    else
      print('got ' .. m .. ' ' .. instance_id)
    end
  end
end
return consumer`,
  echo: `echo = {}
function echo.onStart() end
function echo.onMessage(h, op, msg) ws:send(h, op, msg) return true end
function echo.onDisconnect(h) end
function echo.onShutdown() end
return echo`,
  poster: `poster = {}
local q
function poster.onStart() q = mqr.create('jobs') end
function poster.onMessage(h, op, msg)
  local ok, err = q:post(msg)
  ws:send(h, 1, ok and 'posted' or ('post failed: ' .. tostring(err)))
  return true
end
function poster.onDisconnect(h) end
function poster.onShutdown() end
return poster`,
};

const got = (lines: LogLine[]) =>
  lines
    .filter((l) => l.service === 'consumer' && l.msg.startsWith('got '))
    .map((l) => {
      const [, value, instance] = l.msg.split(' ');
      return { value: value!, instance: Number(instance), worker: l.worker };
    });

describeServers('mqr in-server queues with 2 workers', () => {
  it('delivers 1..N exactly once, in order per receiver, to consumers in both workers', async () => {
    const N = 300;
    const run = server({
      producer: {
        standalone: true,
        instances: 1,
        preload: ['mqr'],
        settings: { count: N, consumers: 2 },
      },
      consumer: { standalone: true, instances: 2, preload: ['mqr'], settings: { once: true } },
    });
    await run.url();
    expect(run.stdout()).toContain('mqr backend: in-server (queues in the primary process)');
    const done = () => run.lines().filter((l) => l.msg.startsWith('done '));
    await run.waitUntil('both consumers done', () => done().length === 2);
    const lines = run.lines();
    expect(
      lines.some((l) => l.msg.startsWith('post failed') || l.msg.startsWith('recv failed')),
    ).toBe(false);
    const received = got(lines);
    // Every number exactly once.
    expect(received.map((r) => Number(r.value)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: N }, (_, i) => i + 1),
    );
    // Each consumer took its numbers in queue order.
    for (const instance of [0, 1]) {
      const mine = received.filter((r) => r.instance === instance).map((r) => Number(r.value));
      for (let i = 1; i < mine.length; i++) expect(mine[i]!).toBeGreaterThan(mine[i - 1]!);
    }
    // The two consumers run in different workers, and both took part.
    const workers = new Set(received.map((r) => r.worker));
    expect(workers).toEqual(new Set([0, 1]));
    expect(new Set(done().map((l) => l.worker))).toEqual(new Set([0, 1]));
  });

  it('network services keep answering while consumers wait in q:recv(); a post wakes one', async () => {
    const run = server({
      consumer: { standalone: true, instances: 2, preload: ['mqr'], settings: { once: false } },
      echo: { request_target: '/echo', instances: 2 },
      poster: { request_target: '/post', instances: 1, preload: ['mqr'] },
    });
    const url = await run.url();
    await run.waitUntil(
      'both consumers waiting',
      () => run.lines().filter((l) => l.msg.startsWith('waiting ')).length === 2,
    );
    const echo = await connect(`${url}/echo`);
    expect(await ask(echo, 'warm-up')).toBe('warm-up');
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      expect(await ask(echo, `m${i}`)).toBe(`m${i}`);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const p99 = times[Math.ceil(times.length * 0.99) - 1]!;
    expect(p99).toBeLessThan(100);
    expect(got(run.lines())).toEqual([]);

    const poster = await connect(`${url}/post`);
    expect(await ask(poster, 'hello-mqr')).toBe('posted');
    await run.waitUntil('a consumer got it', () => got(run.lines()).length === 1);
    expect(got(run.lines())[0]!.value).toBe('hello-mqr');
    expect(await ask(poster, 'again')).toBe('posted');
    await run.waitUntil('a consumer got the second', () => got(run.lines()).length === 2);
    expect(got(run.lines()).map((g) => g.value)).toEqual(['hello-mqr', 'again']);

    // SIGTERM: the consumers, waiting in q:recv() again, stop at once (their receives are
    // cancelled across the channel; no kill at the deadline).
    const start = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(Date.now() - start).toBeLessThan(3000);
    expect(run.stdout()).not.toMatch(/did not stop/);
  });
});
