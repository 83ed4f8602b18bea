import { describe, expect, it } from 'vitest';
import { InputBatch, type InputSink } from '../src/input-batch.js';

/** A sink that records what it handles, as `<name>:<text>`. */
function recorder(name: string, log: string[]): InputSink {
  return { onBytes: (bytes) => log.push(`${name}:${Buffer.from(bytes).toString()}`) };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A batch holding three reads of one turn, from sinks `a`, `b`, `a` ('1', '2', '3'). */
function threeReads(log: string[], afterDrain: () => void) {
  const batch = new InputBatch<InputSink>(afterDrain);
  const a = recorder('a', log);
  const b = recorder('b', log);
  batch.add(a, Buffer.from('1'));
  batch.add(b, Buffer.from('2'));
  batch.add(a, Buffer.from('3'));
  return { batch, a, b };
}

describe('InputBatch', () => {
  it('handles a turn of reads at its end, in arrival order, then calls afterDrain once', async () => {
    const log: string[] = [];
    const { batch, b } = threeReads(log, () => log.push('drained'));
    expect(log).toEqual([]);
    await nextTurn();
    expect(log).toEqual(['a:1', 'b:2', 'a:3', 'drained']);
    batch.add(b, Buffer.from('4'));
    await nextTurn();
    expect(log).toEqual(['a:1', 'b:2', 'a:3', 'drained', 'b:4', 'drained']);
  });

  it('keeps a copy: the shared read buffer may change before the end of the turn', async () => {
    const log: string[] = [];
    const batch = new InputBatch<InputSink>(() => {});
    const shared = Buffer.from('first');
    batch.add(recorder('a', log), shared);
    shared.write('later');
    await nextTurn();
    expect(log).toEqual(['a:first']);
  });

  it('takeFor handles one sink now, in order, and only once', async () => {
    const log: string[] = [];
    const { batch, a } = threeReads(log, () => log.push('drained'));
    batch.takeFor(a);
    expect(log).toEqual(['a:1', 'a:3']);
    await nextTurn();
    expect(log).toEqual(['a:1', 'a:3', 'b:2', 'drained']);
  });

  it('takeFor during the drain finds what is still waiting in it', async () => {
    const log: string[] = [];
    const batch = new InputBatch<InputSink>(() => {});
    const b = recorder('b', log);
    // a's handling closes b, which must first get its own bytes of this turn.
    const a: InputSink = {
      onBytes: (bytes) => {
        log.push(`a:${Buffer.from(bytes).toString()}`);
        batch.takeFor(b);
        log.push('b closed');
      },
    };
    batch.add(a, Buffer.from('1'));
    batch.add(b, Buffer.from('2'));
    await nextTurn();
    expect(log).toEqual(['a:1', 'b:2', 'b closed']);
  });

  it('calls afterDrain even when a sink throws', async () => {
    let drained = 0;
    const batch = new InputBatch<InputSink>(() => drained++);
    batch.add(
      {
        onBytes: () => {
          throw new Error('boom');
        },
      },
      Buffer.from('x'),
    );
    const failure = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    await nextTurn();
    expect(((await failure) as Error).message).toBe('boom');
    expect(drained).toBe(1);
  });
});
