import { equal } from 'node:assert/strict';
import { Bench } from 'tinybench';
import { ListenerList } from '../src/event-listeners.js';
import { CwsMessageEvent } from '../src/events.js';
import type { Row } from './round-trip.bench.js';

/**
 * The per-message cost of the event machinery alone: our listener list and plain event object,
 * against Node's EventTarget with a DOM MessageEvent (what extending EventTarget would cost).
 */
export async function eventRows(time: number): Promise<Row[]> {
  const data = Buffer.alloc(64);
  const batch = 1000;

  const list = new ListenerList<CwsMessageEvent>();
  let ourCount = 0;
  list.handlerValue = (event: CwsMessageEvent) => {
    if (event.data === data) ourCount++;
  };
  const target = {} as never;
  const runOurs = (): void => {
    for (let i = 0; i < batch; i++) list.dispatch(target, new CwsMessageEvent(target, data));
  };

  const eventTarget = new EventTarget();
  let theirCount = 0;
  eventTarget.addEventListener('message', (event) => {
    if ((event as MessageEvent).data === data) theirCount++;
  });
  const runTheirs = (): void => {
    for (let i = 0; i < batch; i++)
      eventTarget.dispatchEvent(new MessageEvent('message', { data }));
  };

  runOurs();
  runTheirs();
  equal(ourCount, batch);
  equal(theirCount, batch);

  const bench = new Bench({ time, warmupTime: Math.min(250, time) });
  bench.add('ours', runOurs).add('EventTarget', runTheirs);
  await bench.run();
  const rate = (name: string): number => {
    const result = bench.tasks.find((t) => t.name === name)!.result;
    if (result.state !== 'completed') throw new Error(`${name}: ${result.state}`);
    return (1000 / result.period) * batch;
  };
  return [
    {
      name: 'dispatch one message event (vs EventTarget)',
      ours: rate('ours'),
      ws: rate('EventTarget'),
    },
  ];
}
