/**
 * The failures every backend reports the same way, so that a service sees the same message
 * whichever backend holds its queue.
 */
import { MqrError } from './errors.js';

/** Throws TOO_BIG when `message` is over the limit per message. */
export function checkMessageSize(message: Uint8Array, maxMessageBytes: number): void {
  if (message.length > maxMessageBytes) {
    throw new MqrError(
      'LAPPS_ERR_MQR_TOO_BIG',
      `message of ${message.length} bytes is larger than the limit of ${maxMessageBytes}`,
    );
  }
}

export function queueFull(queue: string, capacity: number): MqrError {
  return new MqrError(
    'LAPPS_ERR_MQR_QUEUE_FULL',
    `queue full: ${queue} holds its capacity of ${capacity} messages`,
  );
}

export function cancelled(queue: string): MqrError {
  return new MqrError('LAPPS_ERR_MQR_CANCELLED', `receive on ${queue} cancelled`);
}

export function closed(): MqrError {
  return new MqrError('LAPPS_ERR_MQR_CLOSED', 'mqr is closed');
}

export function closedWhileWaiting(queue: string): MqrError {
  return new MqrError('LAPPS_ERR_MQR_CLOSED', `mqr closed while waiting on ${queue}`);
}
