import type { Acl } from '@lapps/tls-transport';
import type { Connection } from './connection.js';
import type { Logger } from './logger.js';
import type { ServerOptions } from './options.js';
import type { ServiceInstance } from './service.js';

/** A routable service as connections see it. */
export interface Route {
  readonly name: string;
  readonly target: string;
  readonly acl: Acl;
  readonly maxMessageSize: number;
  readonly extraHeaders: Record<string, string>;
  readonly protoAlias: string | undefined;
}

/** What a connection needs from the server that owns it. */
export interface ConnectionHost {
  readonly options: ServerOptions;
  readonly log: Logger;
  now(): number;
  route(target: string): Route | undefined;
  /** Gives the connection its handler id and pins it to an instance of the route's service. */
  register(connection: Connection, route: Route): ServiceInstance;
  unregister(connection: Connection): void;
  /** A connection that closed before its Upgrade was accepted. */
  forget(connection: Connection): void;
  /** Flush `connection` once at the end of this event-loop turn. */
  scheduleFlush(connection: Connection): void;
  /** Handles the bytes read for `connection` and not handled yet, now (it is closing). */
  takeInput(connection: Connection): void;
}
