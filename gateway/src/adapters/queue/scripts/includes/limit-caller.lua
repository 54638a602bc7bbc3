--[[
  Include: rate-limits a queue script's caller before the script does any work, so hot routes
  limit and act in one round trip. Needs the take-token include before it. The buckets live
  under the event's hash tag (the limit is per event, per client IP and per signed-in user).

  limit_caller(ip_key, user_key, has_user, rate_per_sec, burst, now_ms)
  Returns allowed (true|false) and the verdict "allowed|remaining|full_ms|retry_ms|scope"
  (allowed 1|0, scope "ip"|"user"|"off"): the bucket that refused, or else the one closer to
  empty. rate_per_sec 0 turns limiting off. The verdict is the first five fields of every limited
  script's reply; a refused caller's reply is the verdict alone.
]]
local function limit_caller(ip_key, user_key, has_user, rate, burst, now)
  if rate <= 0 then return true, "1|0|0|0|off" end
  local ip = take_token(ip_key, rate, burst, now, 1)
  if ip[1] == 0 then return false, table.concat({0, ip[2], ip[3], ip[4], "ip"}, "|") end
  if has_user then
    local user = take_token(user_key, rate, burst, now, 1)
    if user[1] == 0 then return false, table.concat({0, user[2], user[3], user[4], "user"}, "|") end
    if user[2] < ip[2] then return true, table.concat({1, user[2], user[3], 0, "user"}, "|") end
  end
  return true, table.concat({1, ip[2], ip[3], 0, "ip"}, "|")
end
