/**
 * The Lua side of the `cws` module. Callbacks run here, in the service's own coroutine, so they may
 * call anything a service may (including functions that yield); the JS side (`core`) owns the
 * sockets and queues their events until `cws:eventLoop()` dispatches them.
 *
 * Event kinds from `core.next()`: 1 open, 2 message (data, opcode), 3 error (message),
 * 4 close (code, reason).
 */
export const CWS_LUA_SOURCE = `
local core = ...
local USAGE = "usage: cws:new(url, {onopen=, onmessage=, onerror=, onclose=}[, {ca=, verify=}])"
local callbacks = {}

local Socket = {}
Socket.__index = Socket
function Socket:close(code, reason)
  return core.close(self.handler, code, reason)
end

local cws = {}

function cws:new(url, handlers, options)
  if type(url) ~= "string" or type(handlers) ~= "table" then return nil, USAGE end
  if options ~= nil and type(options) ~= "table" then return nil, USAGE end
  local ca, verify
  if options ~= nil then ca, verify = options.ca, options.verify end
  local handler, err = core.open(url, ca, verify)
  if handler == nil then return nil, err end
  callbacks[handler] = handlers
  return setmetatable({ handler = handler }, Socket)
end

function cws:send(handler, data, opcode)
  return core.send(handler, data, opcode)
end

function cws:close(handler, code, reason)
  return core.close(handler, code, reason)
end

local next_event, wait = core.next, core.wait

function cws:eventLoop()
  local kind, handler, a, b = next_event()
  if kind == nil then
    wait()
    kind, handler, a, b = next_event()
  end
  while kind ~= nil do
    local on = callbacks[handler]
    if on ~= nil then
      if kind == 2 then
        local f = on.onmessage
        if f ~= nil then f(handler, a, b) end
      elseif kind == 1 then
        local f = on.onopen
        if f ~= nil then f(handler) end
      elseif kind == 3 then
        local f = on.onerror
        if f ~= nil then f(handler, a) end
      else
        callbacks[handler] = nil
        local f = on.onclose
        if f ~= nil then f(handler, a, b) end
      end
    end
    kind, handler, a, b = next_event()
  end
end

return cws
`;
