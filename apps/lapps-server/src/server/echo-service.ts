import type { DataOpcode } from '@lapps/frame-codec';
import type { ServiceFactory, ServiceHost, ServiceInstance } from './service.js';

/** Sends every message back as it came: the service the example configuration and tests use. */
class EchoService implements ServiceInstance {
  private host: ServiceHost | undefined;

  onStart(host: ServiceHost): void {
    this.host = host;
  }

  onMessage(handler: number, opcode: DataOpcode, payload: Uint8Array): boolean {
    this.host?.send(handler, opcode, payload);
    return true;
  }

  onDisconnect(): void {}

  onShutdown(): void {}
}

export const echoService: ServiceFactory = () => new EchoService();
