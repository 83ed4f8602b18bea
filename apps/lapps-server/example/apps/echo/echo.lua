-- A raw echo service: every message goes back to its sender as it came.
echo = {}

echo.onStart = function()
  print("echo: started")
end

echo.onMessage = function(handler, opcode, message)
  local ok, err = ws:send(handler, opcode, message)
  if not ok then
    print("echo: send failed: " .. err)
  end
  return true
end

echo.onDisconnect = function(handler)
end

echo.onShutdown = function()
  print("echo: stopped")
end

return echo
