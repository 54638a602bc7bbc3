--[[
  A waiter gives up their place (or an admitted buyer their admission). Idempotent.

  KEYS[1] tokens      hash token -> "seq|status|joined_ms|admitted_ms|user" (user last: an id may hold "|")
  KEYS[2] wait        zset token -> seq
  KEYS[3] heartbeat   zset token -> last seen ms
  KEYS[4] admitted    zset token -> admitted ms
  KEYS[5] moves       stream of queue moves
  ARGV[1] token

  Returns 2 when a waiting place was given up (an abandoned place, counted by the caller), 1
  when another known token (admitted, or already ended) is now left, 0 when unknown.
]]
local rec = redis.call("HGET", KEYS[1], ARGV[1])
if not rec then return 0 end
local seq, status, rest = string.match(rec, "^(-?%d+)|(%a)|(.*)$")
if status == "W" then
  redis.call("ZREM", KEYS[2], ARGV[1])
  redis.call("ZREM", KEYS[3], ARGV[1])
  -- Everyone behind moves up one: tell the live sockets (of this line, see admit-7.lua).
  redis.call("XADD", KEYS[5], "MAXLEN", "~", 1000, "*", "l", seq, "g", redis.call("HGET", KEYS[1], "~line") or "")
elseif status == "R" then
  redis.call("ZREM", KEYS[4], ARGV[1])
end
redis.call("HSET", KEYS[1], ARGV[1], seq .. "|L|" .. rest)
return status == "W" and 2 or 1
