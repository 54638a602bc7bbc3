--[[
  Turns an admitted waiter into a buyer: binds the place to the signed-in user (an anonymous
  join is bound here) and records a single-use reservation token.

  KEYS[1] tokens      hash token -> "seq|user|status|joined_ms|admitted_ms"
  KEYS[2] admitted    zset token -> admitted ms (the admission window)
  KEYS[3] rt          the reservation token's single-use marker
  ARGV[1] token
  ARGV[2] user
  ARGV[3] ttl_sec     reservation token lifetime

  Returns 1 on success, or a negative code (EnterResult in scripts.ts):
    -1 unknown token, -2 still waiting, -3 expired or left (or admission window over),
    -4 the place belongs to another user
]]
local rec = redis.call("HGET", KEYS[1], ARGV[1])
if not rec then return -1 end
local seq, owner, status, rest = string.match(rec, "^(-?%d+)|([^|]*)|(%a)|(.*)$")
if status == "W" then return -2 end
if status ~= "R" or not redis.call("ZSCORE", KEYS[2], ARGV[1]) then return -3 end
if owner ~= "" and owner ~= ARGV[2] then return -4 end
if owner == "" then redis.call("HSET", KEYS[1], ARGV[1], seq .. "|" .. ARGV[2] .. "|R|" .. rest) end
redis.call("SET", KEYS[3], ARGV[2], "EX", ARGV[3])
return 1
