import { MqrError } from './errors.js';
import { MAX_QUEUE_NAME_BYTES } from './limits.js';

/** Throws MqrError INVALID_ARGUMENT unless `name` is a usable queue name. */
export function checkQueueName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new MqrError('LAPPS_ERR_MQR_INVALID_ARGUMENT', 'a queue name is a non-empty string');
  }
  if (Buffer.byteLength(name) > MAX_QUEUE_NAME_BYTES) {
    throw new MqrError(
      'LAPPS_ERR_MQR_INVALID_ARGUMENT',
      `queue name longer than ${MAX_QUEUE_NAME_BYTES} bytes`,
    );
  }
}
