/**
 * A benchmark process: one side of a queue (producer, consumer, pinger, ponger) over the IPC
 * client (queues in the parent, as in a multi-worker server) or over Redis; or one side of the raw
 * IPC baseline. Reports its result to the parent with process.send.
 */
import { IpcQueueClient, type QueueBackend, RedisQueues } from '../src/index.js';
import { consume, now, ping, pong, produce } from './workload.js';

const [role = '', via = '', countText = '0', redisUrl = ''] = process.argv.slice(2);
const count = Number(countText);
const send = (message: object) => process.send?.(message);

async function main(): Promise<void> {
  if (role === 'raw-ping' || role === 'raw-pong') return raw();
  let backend: QueueBackend;
  if (via === 'ipc') {
    const client = new IpcQueueClient((m) => send(m));
    process.on('message', (m) => client.handle(m));
    backend = client;
  } else {
    backend = new RedisQueues({ url: redisUrl, keyPrefix: 'lapps-bench:' });
    await (backend as RedisQueues).ready();
  }
  send({ type: 'bench-ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  let result: unknown;
  if (role === 'produce') result = await produce(backend, 'bench', count);
  else if (role === 'consume') result = await consume(backend, 'bench', count);
  else if (role === 'ping') result = await ping(backend, 'ping', 'pong', count);
  else if (role === 'pong') result = await pong(backend, 'ping', 'pong', count);
  send({ type: 'bench-result', result });
  await backend.close();
}

/** The raw IPC baseline: the parent relays between ping and pong, as the primary would. */
async function raw(): Promise<void> {
  send({ type: 'bench-ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const payload = Buffer.alloc(128).toString('base64');
  if (role === 'raw-pong') {
    let seen = 0;
    process.on('message', (m: { type?: string }) => {
      if (m.type !== 'raw') return;
      send(m);
      if (++seen === count) send({ type: 'bench-result', result: null });
    });
    return;
  }
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = now();
    await new Promise<void>((resolve) => {
      process.once('message', () => resolve());
      send({ type: 'raw', payload });
    });
    times.push(now() - start);
  }
  send({ type: 'bench-result', result: times });
}

main().then(
  () => {
    if (role !== 'raw-pong') setTimeout(() => process.exit(0), 100);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
