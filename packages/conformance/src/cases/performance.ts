// Group 9, short form: large messages echoed intact, whole and in many fragments (RFC 6455 5.4
// lets a message be any number of fragments). Sizes are capped at 4 MiB, and fragmented messages
// at 1 MiB, so that the group runs in seconds: the server's limit here is 16 MiB.
import { fragments, frame, Op } from '../runner/frames.js';
import { binary, type ConformanceCase, close, echo, send, text } from './case.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = [64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB];
const FRAGMENT_SIZES = [64, 256, 1 * KiB, 4 * KiB, 16 * KiB, 64 * KiB];

// Payloads are made on demand: holding every 4 MiB buffer from import time would cost ~50 MB.
const textPayload = (size: number) => Buffer.alloc(size, 'Hello, world! ');
const binaryPayload = (size: number) => Buffer.alloc(size, Buffer.from([0xfe, 0x00, 0x7f, 0x80]));

const sizeLabel = (size: number) =>
  size >= MiB ? `${size / MiB} MiB` : size >= KiB ? `${size / KiB} KiB` : `${size} B`;

function lazyCase(
  id: string,
  description: string,
  build: () => { steps: ConformanceCase['steps']; expect: ConformanceCase['expect'] },
): ConformanceCase {
  let built: ReturnType<typeof build> | undefined;
  const get = () => {
    built ??= build();
    return built;
  };
  return {
    id,
    group: 9,
    description,
    get steps() {
      return get().steps;
    },
    get expect() {
      return get().expect;
    },
  };
}

export const performanceCases: ConformanceCase[] = [
  ...SIZES.map((size, i) =>
    lazyCase(`9.1.${i + 1}`, `text message of ${sizeLabel(size)}`, () => ({
      steps: [...send(frame.text(textPayload(size))), close(1000)],
      expect: echo(text(textPayload(size))),
    })),
  ),
  ...SIZES.map((size, i) =>
    lazyCase(`9.2.${i + 1}`, `binary message of ${sizeLabel(size)}`, () => ({
      steps: [...send(frame.binary(binaryPayload(size))), close(1000)],
      expect: echo(binary(binaryPayload(size))),
    })),
  ),
  ...FRAGMENT_SIZES.map((fragment, i) =>
    lazyCase(`9.3.${i + 1}`, `1 MiB text message in fragments of ${sizeLabel(fragment)}`, () => ({
      steps: [...send(Buffer.concat(fragments(Op.Text, textPayload(MiB), fragment))), close(1000)],
      expect: echo(text(textPayload(MiB))),
    })),
  ),
  ...FRAGMENT_SIZES.map((fragment, i) =>
    lazyCase(`9.4.${i + 1}`, `1 MiB binary message in fragments of ${sizeLabel(fragment)}`, () => ({
      steps: [
        ...send(Buffer.concat(fragments(Op.Binary, binaryPayload(MiB), fragment))),
        close(1000),
      ],
      expect: echo(binary(binaryPayload(MiB))),
    })),
  ),
];
