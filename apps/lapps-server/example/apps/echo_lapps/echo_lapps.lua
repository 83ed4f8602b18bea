-- A LAppS-protocol service in the spirit of LAppS 0.9's examples/echo_lapps. Clients send CBOR
-- requests {lapps = 1, method = ..., params = {...}} and get responses on channel 0:
--   login(user, password)  -> {true}, or error 10 "login failed: ..."
--   echo(...)              -> its params, as they came
--   anything else          -> error -32601 (method not found)
-- A client notification with cid 5 and method "subscribe" (after a login) subscribes the
-- connection to the time pushes {cid = 5, message = {ms since the epoch}} that the standalone
-- time_broadcast service sends every second; "unsubscribe" stops them.
-- Logins go through pam_auth when the service preloads it, else through the stub users of
-- settings.users in lapps.json ({"user": "password"}): a demo, not a place for real passwords.
echo_lapps = {}

local TIME_CHANNEL = 5
local sessions = {} -- handler -> user name

local function respond(handler, ...)
  return ws:send(handler, { cid = 0, status = 1, result = { ... } })
end

local function fail(handler, code, message)
  return ws:send(handler, { cid = 0, status = 0, error = { code = code, message = message } })
end

local function check_login(user, password)
  if type(user) ~= "string" or type(password) ~= "string" then
    return false, "login takes two strings: user and password"
  end
  if pam_auth ~= nil then
    return pam_auth:login(settings.pam_service or "login", user, password)
  end
  local users = settings.users or {}
  if users[user] ~= nil and users[user] == password then return true end
  return false, "unknown user or wrong password"
end

local methods = {
  login = function(handler, params)
    local ok, err = check_login(params[1], params[2])
    if not ok then return fail(handler, 10, "login failed: " .. tostring(err)) end
    sessions[handler] = params[1]
    return respond(handler, true)
  end,
  echo = function(handler, params)
    return ws:send(handler, { cid = 0, status = 1, result = params })
  end,
}

echo_lapps.onStart = function()
  bcast:create(TIME_CHANNEL)
end

echo_lapps.onMessage = function(handler, msg_type, message)
  if msg_type == 1 or msg_type == 2 then -- client notifications: no response
    if message.cid == TIME_CHANNEL and sessions[handler] ~= nil then
      if message.method == "subscribe" then
        bcast:subscribe(TIME_CHANNEL, handler)
      elseif message.method == "unsubscribe" then
        bcast:unsubscribe(TIME_CHANNEL, handler)
      end
    end
    return true
  end
  local method = methods[message.method]
  if method == nil then
    fail(handler, -32601, "no such method: " .. message.method)
    return true
  end
  -- A request without params (type 3) gets an empty array.
  local params = message.params or setmetatable({}, nljson.array_mt)
  local ok, err = method(handler, params)
  if not ok then print("echo_lapps: send failed: " .. tostring(err)) end
  return true
end

echo_lapps.onDisconnect = function(handler)
  sessions[handler] = nil
end

echo_lapps.onShutdown = function()
end

return echo_lapps
