/**
 * A worker process's end of the peer channels (DESIGN section 4): it listens on its own Unix
 * socket, connects to the other workers when it first needs them, forwards the connections of
 * services it does not run, serves the connections other workers forward to it, and relays
 * `bcast` to every other worker. Frames for one connection travel on one link, so they keep
 * their order.
 */
import type { DataOpcode } from '@lapps/frame-codec';
import { type BroadcastRelay, deliverBroadcast } from '@lapps/lua-bridge';
import {
  PeerFrameType,
  PeerLink,
  PeerServer,
  type Placement,
  decodePeerOpen,
  encodePeerOpen,
  peerSocketPath,
} from '@lapps/scheduler';
import type { LappsServer } from '../server/lapps-server.js';
import type { Logger } from '../server/logger.js';
import type { ServiceInstance } from '../server/service.js';
import { type ForwardTarget, ForwardingInstance } from './forwarding-instance.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
/** 1012 Service Restart (RFC 6455 7.4.1 registry): the worker serving the connection went away. */
const SERVICE_RESTART = 1012;
/** Frame payloads at most this long are copied by the connection's FrameBatch anyway. */
const BATCH_COPIES_UP_TO = 16 * 1024;
const RECONNECT_DELAY_MS = 200;

/** A connection another worker forwards to this one. */
interface Served {
  handler: number;
  instance: ServiceInstance;
}

/** An outgoing link: frames wait in `queue` while it connects. */
interface Outgoing {
  link: PeerLink | undefined;
  queue: [PeerFrameType, number, number, number, Uint8Array | undefined][];
  connecting: boolean;
}

export class PeerRouter implements ForwardTarget {
  private server: LappsServer | undefined;
  private listener: PeerServer | undefined;
  private readonly outgoing = new Map<number, Outgoing>();
  private readonly forwarders = new Map<string, ForwardingInstance>();
  private readonly incoming = new Set<PeerLink>();
  private closed = false;

  readonly relay: BroadcastRelay = {
    publish: (channel, opcode, data) => {
      for (let worker = 0; worker < this.placement.workers; worker++) {
        if (worker !== this.index)
          this.sendTo(worker, PeerFrameType.Broadcast, opcode, 0, channel, data);
      }
    },
  };

  constructor(
    private readonly dir: string,
    private readonly index: number,
    private readonly placement: Placement,
    private readonly log: Logger,
  ) {}

  async listen(): Promise<void> {
    this.listener = await PeerServer.listen(peerSocketPath(this.dir, this.index), (link) =>
      this.adopt(link),
    );
  }

  /** The server whose instances serve forwarded connections and whose clients get the answers. */
  attach(server: LappsServer): void {
    this.server = server;
  }

  /** The stand-in instance for `service`, which this worker does not run. */
  forwarder(service: string): ServiceInstance {
    const forwarder = new ForwardingInstance(service, this.placement.workersOf(service), this);
    this.forwarders.set(service, forwarder);
    return forwarder;
  }

  // ---- ForwardTarget: our clients' traffic to the worker that serves them ----

  open(worker: number, handler: number, service: string): void {
    this.sendTo(
      worker,
      PeerFrameType.Open,
      0,
      0,
      handler,
      encodePeerOpen({ service, remoteAddress: '' }),
    );
  }

  message(worker: number, handler: number, opcode: DataOpcode, payload: Uint8Array): void {
    this.sendTo(worker, PeerFrameType.Message, opcode, 0, handler, payload);
  }

  disconnect(worker: number, handler: number): void {
    this.sendTo(worker, PeerFrameType.Disconnect, 0, 0, handler, undefined);
  }

  // ---- Links ----

  private sendTo(
    worker: number,
    type: PeerFrameType,
    opcode: number,
    code: number,
    id: number,
    payload: Uint8Array | undefined,
  ): void {
    let out = this.outgoing.get(worker);
    if (out === undefined) {
      out = { link: undefined, queue: [], connecting: false };
      this.outgoing.set(worker, out);
    }
    if (out.link !== undefined) {
      out.link.send(type, opcode, code, id, payload);
      return;
    }
    out.queue.push([type, opcode, code, id, payload]);
    if (!out.connecting) void this.connect(worker, out);
  }

  private async connect(worker: number, out: Outgoing): Promise<void> {
    out.connecting = true;
    const path = peerSocketPath(this.dir, worker);
    // The other worker may still be starting (or restarting): try for a while.
    for (let attempt = 0; attempt < 50 && !this.closed; attempt++) {
      try {
        const link = await PeerLink.connect(path);
        out.link = link;
        out.connecting = false;
        link.onFrame((type, opcode, code, id, payload) =>
          this.onFrame(link, type, opcode, code, id, payload),
        );
        link.onClose(() => this.outgoingClosed(worker, link));
        for (const [type, op, c, i, p] of out.queue.splice(0)) link.send(type, op, c, i, p);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    }
    out.connecting = false;
    const dropped = out.queue.splice(0);
    this.log.error({ worker, frames: dropped.length }, 'cannot reach worker: dropping its frames');
    this.failForwarded(worker);
  }

  /** A worker we forwarded to is gone: its instances, and the state of our clients there, too. */
  private outgoingClosed(worker: number, link: PeerLink): void {
    const out = this.outgoing.get(worker);
    if (out?.link === link) out.link = undefined;
    if (!this.closed) this.failForwarded(worker);
  }

  private failForwarded(worker: number): void {
    for (const forwarder of this.forwarders.values()) {
      for (const handler of forwarder.servedBy(worker)) {
        forwarder.connections.delete(handler);
        this.server?.closeConnection(handler, SERVICE_RESTART, 'service restarting');
      }
    }
  }

  /** A link another worker opened to us: it forwards connections and broadcasts. */
  private adopt(link: PeerLink): void {
    this.incoming.add(link);
    const served = new Map<number, Served>();
    link.onFrame((type, opcode, code, id, payload) => {
      if (type === PeerFrameType.Open)
        this.serve(link, served, id, decodePeerOpen(payload).service);
      else if (type === PeerFrameType.Message) {
        const entry = served.get(id);
        // Copied: the payload is a view of a reused read buffer, and Lua keeps strings as given.
        if (entry !== undefined) this.deliver(link, entry, id, opcode, new Uint8Array(payload));
      } else if (type === PeerFrameType.Disconnect) {
        const entry = served.get(id);
        if (entry === undefined) return;
        served.delete(id);
        this.server?.detachProxy(entry.handler);
        entry.instance.onDisconnect(entry.handler);
      } else this.onFrame(link, type, opcode, code, id, payload);
    });
    link.onClose(() => {
      this.incoming.delete(link);
      for (const entry of served.values()) {
        this.server?.detachProxy(entry.handler);
        entry.instance.onDisconnect(entry.handler);
      }
      served.clear();
    });
  }

  private serve(link: PeerLink, served: Map<number, Served>, conn: number, service: string): void {
    const server = this.server;
    if (server === undefined) return;
    const attached = server.attachProxy(service, {
      send: (opcode, payload) => link.send(PeerFrameType.Send, opcode, 0, conn, payload),
      close: (code, reason) =>
        link.send(PeerFrameType.Close, 0, code ?? 1000, conn, utf8.encode(reason ?? '')),
      get bufferedAmount() {
        return link.bufferedAmount;
      },
    });
    if (attached === undefined) {
      this.log.error({ service }, 'a forwarded connection for a service this worker does not run');
      link.send(PeerFrameType.Close, 0, 1011, conn, utf8.encode('service unavailable'));
      return;
    }
    served.set(conn, attached);
  }

  private deliver(
    link: PeerLink,
    entry: Served,
    conn: number,
    opcode: number,
    payload: Uint8Array,
  ): void {
    let ok: boolean;
    try {
      ok = entry.instance.onMessage(entry.handler, opcode as DataOpcode, payload);
    } catch (error) {
      this.log.error(
        { err: error, handler: entry.handler },
        'service failed on a forwarded message',
      );
      ok = false;
    }
    if (!ok) link.send(PeerFrameType.Close, 0, 1011, conn, utf8.encode('service error'));
  }

  /** Frames any link may carry: answers for our clients, and broadcasts. */
  private onFrame(
    _link: PeerLink,
    type: PeerFrameType,
    opcode: number,
    code: number,
    id: number,
    payload: Uint8Array,
  ): void {
    const server = this.server;
    if (server === undefined) return;
    if (type === PeerFrameType.Send) {
      // Large payloads are kept by reference until written: copy those out of the read buffer.
      const bytes = payload.length > BATCH_COPIES_UP_TO ? new Uint8Array(payload) : payload;
      server.send(id, opcode as DataOpcode, bytes);
    } else if (type === PeerFrameType.Close) {
      server.closeConnection(id, code, fromUtf8.decode(payload));
    } else if (type === PeerFrameType.Broadcast) {
      deliverBroadcast(id, opcode as 1 | 2, new Uint8Array(payload));
    } else {
      this.log.warn({ type }, 'peer frame of an unknown type: ignored');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const closing: Promise<unknown>[] = [];
    for (const out of this.outgoing.values()) if (out.link) closing.push(out.link.close());
    for (const link of this.incoming) closing.push(link.close());
    await Promise.allSettled(closing);
    await this.listener?.close();
  }
}
