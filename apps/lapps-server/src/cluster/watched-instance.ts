/**
 * Wraps a service instance so the stall watch knows which instance runs while the event loop is
 * busy in it: two stores into shared memory per call, so a killed worker's log names the culprit.
 */
import type { StallWatch } from '@lapps/scheduler';
import type { ServiceFactory, ServiceInstance } from '../server/service.js';

export function watchedFactory(
  factory: ServiceFactory,
  nameIndex: (instance: number) => number,
  watch: StallWatch,
): ServiceFactory {
  return (instance) => {
    const inner = factory(instance);
    const name = nameIndex(instance);
    const wrapped: ServiceInstance = {
      onStart: (host) => inner.onStart(host),
      onMessage(handler, opcode, payload) {
        watch.enter(name);
        try {
          return inner.onMessage(handler, opcode, payload);
        } finally {
          watch.leave();
        }
      },
      onDisconnect(handler) {
        watch.enter(name);
        try {
          inner.onDisconnect(handler);
        } finally {
          watch.leave();
        }
      },
      onShutdown: () => inner.onShutdown(),
    };
    if (inner.onDrain !== undefined) wrapped.onDrain = (handler) => inner.onDrain!(handler);
    return wrapped;
  };
}
