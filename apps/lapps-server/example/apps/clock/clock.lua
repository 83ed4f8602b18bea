-- Clients of /clock send "subscribe" and then receive the time every second, pushed by the
-- standalone time_broadcast service through bcast channel 1 (unsubscribed on disconnect).
clock = {}

local CHANNEL = 1

clock.onStart = function()
  bcast:create(CHANNEL)
end

clock.onMessage = function(handler, opcode, message)
  if message == "subscribe" then
    bcast:subscribe(CHANNEL, handler)
    ws:send(handler, 1, "subscribed")
  elseif message == "unsubscribe" then
    bcast:unsubscribe(CHANNEL, handler)
    ws:send(handler, 1, "unsubscribed")
  else
    ws:send(handler, 1, "say subscribe or unsubscribe")
  end
  return true
end

clock.onDisconnect = function(handler)
end

clock.onShutdown = function()
end

return clock
