// The service contract and the server-facing shapes
export type { LogFunction, LogLevel, ServiceHostLike, ServiceInstanceLike } from './host.js';
export { createLuaServiceFactory, NetworkService } from './network-service.js';
export { StandaloneService } from './standalone-service.js';
export type { BridgeModuleContext, LuaServiceOptions, ServiceLimits } from './instance.js';
export type { BudgetLimits } from './budget.js';
export type {
  AcceptedInbound,
  InboundResult,
  MessageProtocol,
  OutboundUse,
  RejectedInbound,
} from './message-protocol.js';

// Errors
export { LuaBridgeError } from './errors.js';
export type { LuaBridgeErrorCode } from './errors.js';

// Modules: the plug-in interface and the built-in ones
export type { LuaModule, LuaModuleContext, LuaState } from './module.js';
export { builtinModules } from './builtin-modules.js';
export {
  bcastModule,
  deliverBroadcast,
  resetBroadcastChannels,
  setBroadcastRelay,
} from './modules/bcast.js';
export type { BroadcastRelay } from './modules/bcast.js';
export { murmurModule } from './modules/murmur.js';
export { napModule } from './modules/nap.js';
export { timeModule } from './modules/time.js';
export { wsModule } from './modules/ws.js';
export { nljsonModule, pushCbor } from './modules/nljson.js';
// Values as CBOR, the encoding of nljson.to_cbor (for modules that carry Lua values: mqr)
export { luaToCbor } from './modules/nljson-cbor-write.js';

// For module authors: arguments, results and a module's Lua side without fengari's API
export {
  argBoolean,
  argBytes,
  argNumber,
  argString,
  argType,
  loadModuleChunk,
  pushScalar,
  returnValues,
} from './module-kit.js';
export type { LuaArgType, LuaFunction, LuaScalar } from './module-kit.js';

// Lower-level pieces
export { pushBytes, toBytes } from './lua-bytes.js';
export { raiseLuaError } from './lua-raise.js';
export { createSandboxedState } from './state.js';
export type { SandboxOptions } from './state.js';
export { murmur3 } from './murmur3.js';
export { isSendableCloseCode } from './close-codes.js';
