-- A standalone service (no endpoint): pushes the time, in milliseconds since the epoch, to the
-- subscribers of bcast channel 1 once a second. nap:sleep yields, so the server keeps serving.
time_broadcast = {}

local CHANNEL = 1

time_broadcast.init = function()
  bcast:create(CHANNEL)
  print("time_broadcast: instance " .. instance_id .. " ready")
end

time_broadcast.run = function()
  local sleeper = nap:new()
  while not must_stop() do
    bcast:send(CHANNEL, string.format("%.0f", time.now()))
    sleeper:sleep(1)
  end
end

return time_broadcast
