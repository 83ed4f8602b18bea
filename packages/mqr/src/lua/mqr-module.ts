/**
 * The Lua module `mqr` (LAppS 0.9's API): `q = mqr.create(name)` (the same name is the same queue
 * everywhere the backend reaches; `nil, usage` on a bad name), `q:post(value)` (a table, string,
 * number, boolean or `nljson.null`, carried as CBOR; `true` or `false, message`), `q:recv()`
 * (yields until a message arrives; the server keeps running) and `q:try_recv()` (a message or
 * nil). A value comes back as `nljson.from_cbor` builds it; a string posted alone comes back as
 * that string. Receivers compete: each message goes to one of them.
 *
 * When the instance is asked to stop, a waiting `recv` is cancelled before it takes a message (no
 * message is lost to a stopped instance) and returns `nil, "stopping"`, so that a
 * `while not must_stop() do local m = q:recv() ... end` loop ends.
 */
import {
  type LuaModule,
  type LuaModuleContext,
  type LuaState,
  argString,
  argType,
  loadModuleChunk,
  luaToCbor,
  pushCbor,
  returnValues,
} from '@lapps/lua-bridge';
import type { QueueBackend } from '../backend.js';
import { MqrError } from '../errors.js';
import { checkQueueName } from '../queue-name.js';

export interface MqrModuleOptions {
  /** Where the queues live (LocalQueues, IpcQueueClient, RedisQueues...). */
  readonly backend: QueueBackend;
}

const MQR_LUA_SOURCE = `
local js = ...
local Queue = {}
Queue.__index = Queue
function Queue:post(value) return js.post(self.name, value) end
function Queue:recv() return js.recv(self.name) end
function Queue:try_recv() return js.try_recv(self.name) end
Queue.__tostring = function(self) return 'mqr queue ' .. self.name end
local mqr = {}
function mqr.create(name)
  local ok, err = js.check(name)
  if not ok then return nil, err end
  return setmetatable({name = name}, Queue)
end
return mqr
`;

/** Per instance: the signal that cancels its waiting receives when it stops. */
const stops = new WeakMap<LuaModuleContext, AbortController>();
/** Instances asked to stop (their cancelled receives return `nil, "stopping"`). */
const stopping = new WeakSet<LuaModuleContext>();

function stopOf(context: LuaModuleContext): AbortController {
  let controller = stops.get(context);
  if (controller === undefined) {
    controller = new AbortController();
    stops.set(context, controller);
  }
  return controller;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Pushes a received message; a message Lua cannot read becomes `nil, reason`. */
function pushMessage(L: LuaState, bytes: Uint8Array): number {
  try {
    pushCbor(L, bytes);
    return 1;
  } catch (error) {
    return returnValues(L, null, `mqr: unreadable message: ${messageOf(error)}`);
  }
}

/** The module `mqr` over `backend`. */
export function createMqrModule(options: MqrModuleOptions): LuaModule {
  const { backend } = options;
  return {
    name: 'mqr',
    open(L, context) {
      loadModuleChunk(L, 'mqr', MQR_LUA_SOURCE, {
        check: (S) => {
          if (argType(S, 1) !== 'string') {
            return returnValues(S, false, 'usage: mqr.create(name): name is a non-empty string');
          }
          try {
            checkQueueName(argString(S, 1));
            return returnValues(S, true);
          } catch (error) {
            return returnValues(S, false, `usage: mqr.create(name): ${messageOf(error)}`);
          }
        },
        post: (S) => {
          const name = argString(S, 1) ?? '';
          if (argType(S, 2) === 'nil') return returnValues(S, false, 'usage: q:post(value)');
          let bytes: Uint8Array;
          try {
            bytes = luaToCbor(S, 2);
          } catch (error) {
            return returnValues(S, false, `mqr: ${messageOf(error)}`);
          }
          let pending: void | Promise<void>;
          try {
            pending = backend.post(name, bytes);
          } catch (error) {
            return returnValues(S, false, messageOf(error));
          }
          if (pending === undefined) return returnValues(S, true);
          return context.suspend(S, (resume) => {
            pending.then(
              () => resume((T) => returnValues(T, true)),
              (error: unknown) => resume((T) => returnValues(T, false, messageOf(error))),
            );
          });
        },
        recv: (S) => {
          const name = argString(S, 1) ?? '';
          if (stopping.has(context)) return returnValues(S, null, 'stopping');
          const stop = stopOf(context);
          return context.suspend(S, (resume) => {
            backend.receive(name, stop.signal).then(
              (bytes) => resume((T) => pushMessage(T, bytes)),
              (error: unknown) => {
                if (error instanceof MqrError && error.code === 'LAPPS_ERR_MQR_CANCELLED') {
                  // Stopping: let the loop end. Closed: nothing runs any more to see it.
                  if (stopping.has(context)) resume((T) => returnValues(T, null, 'stopping'));
                  return;
                }
                resume((T) => returnValues(T, null, messageOf(error)));
              },
            );
          });
        },
        try_recv: (S) => {
          const name = argString(S, 1) ?? '';
          let result: Uint8Array | undefined | Promise<Uint8Array | undefined>;
          try {
            result = backend.tryReceive(name);
          } catch (error) {
            return returnValues(S, null, messageOf(error));
          }
          if (!(result instanceof Promise)) {
            return result === undefined ? returnValues(S, null) : pushMessage(S, result);
          }
          const later = result;
          return context.suspend(S, (resume) => {
            later.then(
              (bytes) =>
                resume((T) =>
                  bytes === undefined ? returnValues(T, null) : pushMessage(T, bytes),
                ),
              (error: unknown) => resume((T) => returnValues(T, null, messageOf(error))),
            );
          });
        },
      });
    },
    stop(context) {
      stopping.add(context);
      stops.get(context)?.abort();
      stops.delete(context);
    },
    close(context) {
      stops.get(context)?.abort();
      stops.delete(context);
    },
  };
}
