/**
 * The shapes the bridge meets the server with. Defined here (the bridge imports no app): the
 * server's ServiceInstance and its host match them structurally.
 */

/** What an instance can do to its connections. */
export interface ServiceHostLike {
  /** Sends one message; false when the connection is gone or over its backpressure limit. */
  send(handler: number, opcode: 1 | 2, payload: Uint8Array): boolean;
  close(handler: number, code?: number, reason?: string): void;
  bufferedAmount(handler: number): number;
}

/** One running instance of a network service, as the server drives it. */
export interface ServiceInstanceLike {
  onStart(host: ServiceHostLike): void | Promise<void>;
  /** False closes the connection with 1011. */
  onMessage(handler: number, opcode: 1 | 2, payload: Uint8Array): boolean;
  onDisconnect(handler: number): void;
  onShutdown(): void | Promise<void>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFunction = (
  level: LogLevel,
  message: string,
  fields?: Record<string, unknown>,
) => void;
