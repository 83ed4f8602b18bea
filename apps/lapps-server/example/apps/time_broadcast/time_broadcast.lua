-- A standalone service (no endpoint): once a second it pushes the time, in milliseconds since the
-- epoch, to the subscribers of two bcast channels: channel 1 as text (the raw /clock service) and
-- channel 5 as a LAppS out-of-order message {cid = 5, message = {ms}} (the LAppS /echo_lapps
-- service). nap:sleep yields, so the server keeps serving.
time_broadcast = {}

local TEXT_CHANNEL = 1
local LAPPS_CHANNEL = 5

time_broadcast.init = function()
  bcast:create(TEXT_CHANNEL)
  bcast:create(LAPPS_CHANNEL)
  print("time_broadcast: instance " .. instance_id .. " ready")
end

time_broadcast.run = function()
  local sleeper = nap:new()
  while not must_stop() do
    local now = time.now()
    bcast:send(TEXT_CHANNEL, string.format("%.0f", now))
    bcast:send(LAPPS_CHANNEL, { cid = LAPPS_CHANNEL, message = { now } })
    sleeper:sleep(1)
  end
end

return time_broadcast
