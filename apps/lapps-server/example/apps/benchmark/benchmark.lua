-- The load-generating standalone service, as in LAppS 0.9's apps/benchmark: every instance opens
-- `settings.connections` WebSockets to `settings.url`, sends a message of `settings.payload`
-- bytes on open, sends every echo back, and prints the messages it received each second.
--
-- lapps.json:
--   "benchmark": { "standalone": true, "instances": 4, "preload": ["cws", "time"],
--                  "depends": ["echo"],
--                  "settings": { "url": "ws://127.0.0.1:5083/echo", "connections": 100,
--                                "payload": 1024 } }
-- For wss:// the server's certificate is verified against the system's CAs plus the `ca` file of
-- ws.json's tls_certificates (where a self-signed test certificate goes); "verify": false in the
-- settings skips the check.
benchmark = {}

local url, connections, payload
local sockets = {}

benchmark.init = function()
  url = settings.url or "ws://127.0.0.1:5083/echo"
  connections = math.tointeger(settings.connections or 100)
  local size = math.tointeger(settings.payload or 1024)
  if connections == nil or connections < 1 then error("settings.connections: a positive integer") end
  if size == nil or size < 1 then error("settings.payload: a positive integer") end
  payload = string.rep("x", size)
end

benchmark.run = function()
  local received = 0
  local failures = 0
  local options = { verify = settings.verify }
  local callbacks = {
    onopen = function(handler)
      cws:send(handler, payload, 2)
    end,
    onmessage = function(handler, message, opcode)
      received = received + 1
      cws:send(handler, message, opcode)
    end,
    onerror = function(handler, message)
      failures = failures + 1
      if failures <= 5 then print("benchmark: connection " .. handler .. ": " .. message) end
    end,
    onclose = function(handler) end,
  }
  for i = 1, connections do
    local socket, err = cws:new(url, callbacks, options)
    if socket == nil then error("benchmark: " .. err) end
    sockets[i] = socket
  end

  local since = time.now()
  while not must_stop() do
    cws:eventLoop()
    local now = time.now()
    if now - since >= 1000 then
      print(string.format("%d messages received per %d ms", received, now - since))
      received = 0
      since = now
    end
  end
  for _, socket in ipairs(sockets) do socket:close() end
end

return benchmark
