-- A tiny chat: every message from one client goes to all clients of /chat (the sender too),
-- through bcast channel 2, so it works across instances.
chat = {}

local ROOM = 2

chat.onStart = function()
  bcast:create(ROOM)
end

chat.onMessage = function(handler, opcode, message)
  bcast:subscribe(ROOM, handler) -- joining twice is harmless
  bcast:send(ROOM, message)
  return true
end

chat.onDisconnect = function(handler)
end

chat.onShutdown = function()
end

return chat
