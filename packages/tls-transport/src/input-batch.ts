/**
 * Bytes read in one event-loop turn, handled together at its end. A socket read in place
 * (`readInPlace`, one shared buffer) has each read copied out here with `add`; a socket's own
 * chunks ('data' events, TLS) are queued as they are with `addOwned`. All are handed to their
 * sinks in the check phase, after every read of the turn, in arrival order; then `afterDrain`
 * runs, where the owner writes its replies. The LAppS server and the cws client both read so.
 *
 * Why: a turn then runs all its syscalls (the reads, later the writes) apart from all its
 * JavaScript (parsing, the service or application calls), instead of alternating read / call /
 * read. The kernel's network code no longer evicts the interpreter's code and data between two
 * calls, so a call costs what it costs in a warm loop. Measured in the LAppS server (1 worker,
 * 100 connections, 2 vCPU): a Lua echo call went from about 1.9-3.4 to 1.1-2.2 µs, a
 * LAppS-protocol call from 6.6 to 4.9 µs, and server CPU per LAppS call from 21.6-23.2 to
 * 18.5-18.7 µs. The copy replaces the one a frame parser makes out of a shared buffer (it can
 * unmask the copy in place), so no byte is copied twice.
 *
 * Ordering: a sink's reads are handed over in order, and before anything that ends it (the owner
 * calls `takeFor` when the socket closes), so a message that arrived with a FIN is still
 * delivered.
 */

/** What the batch hands the bytes to. */
export interface InputSink {
  /** Handles bytes read from the socket; the buffer is the sink's to keep. */
  onBytes(bytes: Uint8Array): void;
}

export class InputBatch<Sink extends InputSink> {
  private sinks: Array<Sink | null> = [];
  private chunks: Array<Uint8Array | null> = [];
  // Swapped with the two above at each drain, so a turn allocates no arrays.
  private spareSinks: Array<Sink | null> = [];
  private spareChunks: Array<Uint8Array | null> = [];
  private scheduled = false;
  private readonly drainNow = (): void => this.drain();

  /** `afterDrain` runs once the turn's reads are handled: the place to write the replies. */
  constructor(private readonly afterDrain: () => void) {}

  /** Queues a copy of `bytes` (the shared read buffer is reused by the next read). */
  add(sink: Sink, bytes: Uint8Array): void {
    const copy = Buffer.allocUnsafe(bytes.length);
    copy.set(bytes);
    this.addOwned(sink, copy);
  }

  /** Queues `chunk` itself: a buffer nobody else writes to ('data' events give such chunks). */
  addOwned(sink: Sink, chunk: Uint8Array): void {
    this.sinks.push(sink);
    this.chunks.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drainNow);
    }
  }

  /** Handles what is queued for `sink` now, in order (before its connection goes away). */
  takeFor(sink: Sink): void {
    // Entries being drained first: they arrived before the ones queued since.
    if (this.drainingSinks !== null) take(sink, this.drainingSinks, this.drainingChunks!);
    take(sink, this.sinks, this.chunks);
  }

  private drainingSinks: Array<Sink | null> | null = null;
  private drainingChunks: Array<Uint8Array | null> | null = null;

  private drain(): void {
    this.scheduled = false;
    const sinks = this.sinks;
    const chunks = this.chunks;
    this.sinks = this.spareSinks;
    this.chunks = this.spareChunks;
    this.drainingSinks = sinks;
    this.drainingChunks = chunks;
    try {
      for (let i = 0; i < sinks.length; i++) {
        const sink = sinks[i];
        if (sink === null || sink === undefined) continue;
        const chunk = chunks[i]!;
        sinks[i] = null;
        chunks[i] = null;
        sink.onBytes(chunk);
      }
    } finally {
      this.drainingSinks = null;
      this.drainingChunks = null;
      sinks.length = 0;
      chunks.length = 0;
      this.spareSinks = sinks;
      this.spareChunks = chunks;
      this.afterDrain();
    }
  }
}

function take<Sink extends InputSink>(
  sink: Sink,
  sinks: Array<Sink | null>,
  chunks: Array<Uint8Array | null>,
): void {
  for (let i = 0; i < sinks.length; i++) {
    if (sinks[i] !== sink) continue;
    const chunk = chunks[i]!;
    sinks[i] = null;
    chunks[i] = null;
    sink.onBytes(chunk);
  }
}
