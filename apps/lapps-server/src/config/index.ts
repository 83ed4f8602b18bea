// Loading and validating ws.json and lapps.json.
export { loadConfig } from './load.js';
export { describeConfig } from './describe.js';
export { defaultConfigDir } from './paths.js';

// Errors.
export { ConfigError, formatProblem } from './errors.js';
export type { ConfigProblem } from './errors.js';

// The effective configuration.
export type {
  AclConfig,
  EffectiveConfig,
  LappsConfig,
  LoadOptions,
  LogLevel,
  ServiceConfig,
  WsConfig,
} from './types.js';
