// @lapps/server: the assembled LAppS server, for the `lapps` command and for embedding.

// Running a server
export { LappsServer, startServer, serverOptionsFrom } from './server/index.js';
export type { RunningServer, StartDependencies } from './server/index.js';
export type { RouteOptions, ServerOptions } from './server/options.js';

// Services
export type { ServiceFactory, ServiceHost, ServiceInstance } from './server/service.js';
export { builtinServices } from './server/builtin-services.js';

// Configuration
export { ConfigError, loadConfig } from './config/index.js';
export type { EffectiveConfig } from './config/index.js';

// Logging
export { createLogger, silentLogger } from './server/logger.js';
export type { Logger, LogLevel } from './server/logger.js';
