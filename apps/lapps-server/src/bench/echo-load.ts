/**
 * The load of `lapps bench` in one process: N `@lapps/cws` connections, each sending one message
 * when it opens and sending every echo straight back, timing each round trip. The per-connection
 * handlers are made once at connect time; a round trip costs a clock read, a histogram increment
 * and the client's own send.
 */
import { readFileSync } from 'node:fs';
import { type CwsMessageEvent, WebSocketClient } from '@lapps/cws';
import { LatencyHistogram } from './histogram.js';

export interface EchoLoadOptions {
  url: string;
  connections: number;
  payload: number;
  text: boolean;
  /** PEM file of a CA to trust. */
  ca: string | undefined;
  insecure: boolean;
  connectTimeoutMs: number;
}

/** What a load reports: counters since the last `resetWindow()`. */
export interface LoadSnapshot {
  roundTrips: number;
  /** Echoes that were not the message sent (wrong size or type). */
  mismatches: number;
  /** Connections closed or failed while the load ran. */
  lost: number;
  /** CPU time of this process (user + system), in microseconds, since the last reset. */
  cpuUs: number;
}

/** At most this many connections are being opened at once: a burst of thousands of SYNs to one
 * port overflows the server's accept backlog and turns into retransmissions. */
const OPENING_AT_ONCE = 128;

export class EchoLoad {
  readonly histogram = new LatencyHistogram();
  roundTrips = 0;
  mismatches = 0;
  lost = 0;
  /** The first few distinct errors, for the summary. */
  readonly errors: string[] = [];
  private readonly clients: WebSocketClient[] = [];
  private readonly message: string | Buffer;
  private stopping = false;
  private cpuAtReset = process.cpuUsage();

  constructor(private readonly options: EchoLoadOptions) {
    const bytes = Buffer.allocUnsafe(options.payload);
    // Printable ASCII, so the same bytes make a valid text message.
    for (let i = 0; i < bytes.length; i++) bytes[i] = 0x21 + ((i * 7) % 94);
    this.message = options.text ? bytes.toString('latin1') : bytes;
  }

  /** Opens every connection (each starts its echo loop at once); resolves with how many opened. */
  async open(): Promise<{ opened: number; failed: number }> {
    const ca = this.options.ca === undefined ? undefined : readFileSync(this.options.ca, 'utf8');
    let opened = 0;
    let failed = 0;
    let next = 0;
    const openOne = (): Promise<void> =>
      new Promise((resolve) => {
        const client = new WebSocketClient(this.options.url, undefined, {
          handshakeTimeoutMs: this.options.connectTimeoutMs,
          rejectUnauthorized: !this.options.insecure,
          ...(ca !== undefined && { ca }),
        });
        this.clients.push(client);
        this.attach(client, (ok) => {
          if (ok) opened++;
          else failed++;
          resolve();
        });
      });
    const lane = async (): Promise<void> => {
      while (next < this.options.connections && !this.stopping) {
        next++;
        await openOne();
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(OPENING_AT_ONCE, this.options.connections) }, lane),
    );
    return { opened, failed };
  }

  private attach(client: WebSocketClient, settled: (ok: boolean) => void): void {
    const expected = this.options.payload;
    const text = this.options.text;
    const histogram = this.histogram;
    let sentAt = 0;
    let open = false;
    client.onopen = () => {
      open = true;
      settled(true);
      sentAt = performance.now();
      client.send(this.message);
    };
    client.onmessage = (event: CwsMessageEvent) => {
      const now = performance.now();
      const data = event.data;
      if (
        typeof data === 'string'
          ? !text || data.length !== expected
          : (data as Buffer).length !== expected
      ) {
        this.mismatches++;
        this.note(`echo mismatch: expected ${expected} bytes of ${text ? 'text' : 'binary'}`);
      }
      histogram.record((now - sentAt) * 1000);
      this.roundTrips++;
      sentAt = now;
      client.send(data as string | Buffer);
    };
    client.onerror = (event) => this.note(event.message);
    client.onclose = (event) => {
      if (!open) {
        settled(false);
        return;
      }
      if (!this.stopping) {
        this.lost++;
        this.note(
          `connection closed by the server: ${event.code}${event.reason ? ` ${event.reason}` : ''}`,
        );
      }
    };
  }

  private note(message: string): void {
    if (this.errors.length < 5 && !this.errors.includes(message)) this.errors.push(message);
  }

  /** Starts a new measuring window: counters, histogram and CPU time from zero. */
  resetWindow(): void {
    this.roundTrips = 0;
    this.mismatches = 0;
    this.lost = 0;
    this.histogram.reset();
    this.cpuAtReset = process.cpuUsage();
  }

  snapshot(): LoadSnapshot {
    const cpu = process.cpuUsage(this.cpuAtReset);
    return {
      roundTrips: this.roundTrips,
      mismatches: this.mismatches,
      lost: this.lost,
      cpuUs: cpu.user + cpu.system,
    };
  }

  /** Closes every connection (1000) and waits for the close handshakes, at most `timeoutMs`. */
  async stop(timeoutMs = 3000): Promise<void> {
    this.stopping = true;
    const pending = this.clients.filter((c) => c.readyState !== WebSocketClient.CLOSED);
    const closed = Promise.all(
      pending.map(
        (client) =>
          new Promise<void>((resolve) => {
            client.addEventListener('close', () => resolve());
            client.close(1000, 'bench done');
          }),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
}
