--[[
  Takes or renews the lease that lets one gateway process run an event's admission ticker.

  KEYS[1] lease
  ARGV[1] owner       this process's id
  ARGV[2] ttl_ms

  Returns 1 when the caller holds the lease now, 0 when another process does.
]]
local holder = redis.call("GET", KEYS[1])
if holder == false then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
return 0
