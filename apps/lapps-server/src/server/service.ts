import type { DataOpcode } from '@lapps/frame-codec';

/**
 * What a service instance can do to the connections it serves. Connections are named by a small
 * integer handler id, unique for the life of the process (the Lua bridge passes it to scripts).
 */
export interface ServiceHost {
  /**
   * Queues a message for the connection; it is written at the end of the current event-loop turn.
   * Returns false when the connection is gone or closing, or its outbound buffer is over the limit.
   */
  send(handler: number, opcode: DataOpcode, payload: Uint8Array): boolean;
  /** Starts the close handshake (code defaults to 1000). */
  close(handler: number, code?: number, reason?: string): void;
  /** Bytes queued for the connection and not yet taken by the kernel (0 when unknown). */
  bufferedAmount(handler: number): number;
}

/**
 * One instance of a network service: the interface the Lua bridge implements, and the built-in
 * TypeScript services too. Calls for one instance arrive one at a time, in order.
 */
export interface ServiceInstance {
  onStart(host: ServiceHost): void | Promise<void>;
  /**
   * A complete message (text is valid UTF-8). Return true to go on; false or a thrown error closes
   * this connection with 1011 and is logged; the instance and its other connections keep going.
   */
  onMessage(handler: number, opcode: DataOpcode, payload: Uint8Array): boolean;
  /** The connection is gone (after a close handshake, an error or a dropped socket). */
  onDisconnect(handler: number): void;
  /** The connection's outbound buffer drained below the limit after `send` returned false. */
  onDrain?(handler: number): void;
  onShutdown(): void | Promise<void>;
}

/** Makes the instances of a service: `instance` counts from 0. */
export type ServiceFactory = (instance: number) => ServiceInstance;
