/**
 * The bridge's own optional modules (`nljson` is always a global, and `ws` in network services).
 */
import { bcastModule } from './modules/bcast.js';
import { murmurModule } from './modules/murmur.js';
import { napModule } from './modules/nap.js';
import { timeModule } from './modules/time.js';
import type { LuaModule } from './module.js';

/** `bcast`, `time`, `nap`, `murmur`: pass them (plus others') as `modules`, name them in `preload`. */
export const builtinModules: readonly LuaModule[] = [
  bcastModule,
  timeModule,
  napModule,
  murmurModule,
];
