--[[
  Gives up this attempt's claim without a stored response (the request did not get to run, or
  failed in a way worth retrying), so the client's retry may run at once.

  KEYS[1] record        see idempotency-begin-1.lua
  ARGV[1] owner         the attempt that claimed the key

  Returns 1 released; -3 the claim was no longer this attempt's
]]
if redis.call("HGET", KEYS[1], "owner") ~= ARGV[1] or redis.call("HGET", KEYS[1], "state") ~= "R" then
  return -3
end
redis.call("DEL", KEYS[1])
return 1
