// Every case, in Autobahn's group order.
import { autoFragmentationCases } from './auto-fragmentation.js';
import type { ConformanceCase } from './case.js';
import { closeCases } from './close.js';
import { fragmentationCases } from './fragmentation.js';
import { framingCases } from './framing.js';
import { performanceCases } from './performance.js';
import { pingPongCases } from './ping-pong.js';
import { reservedBitsCases } from './reserved-bits.js';
import { reservedOpcodeCases } from './reserved-opcodes.js';
import { utf8Cases } from './utf8.js';

export const allCases: readonly ConformanceCase[] = [
  ...framingCases,
  ...pingPongCases,
  ...reservedBitsCases,
  ...reservedOpcodeCases,
  ...fragmentationCases,
  ...utf8Cases,
  ...closeCases,
  ...performanceCases,
  ...autoFragmentationCases,
];

export const GROUPS = [1, 2, 3, 4, 5, 6, 7, 9, 10] as const;
