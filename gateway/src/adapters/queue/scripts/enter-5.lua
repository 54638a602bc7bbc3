--[[
  Turns an admitted waiter into a buyer: binds the place to the signed-in user (an anonymous
  join is bound here) and makes the caller's new reservation token the buyer's one live token for
  the event: any earlier one is refused at the hold route from now on (adapters/queue/entry-passes.redis.ts). The
  caller then signs the token, which the reservation service spends durably with the reservation
  it creates.

  KEYS[1] tokens      hash token -> "seq|status|joined_ms|admitted_ms|user" (user last: an id may hold "|")
  KEYS[2] admitted    zset token -> admitted ms (the admission window)
  KEYS[3] ipBucket    the caller's rate-limit bucket (client IP)
  KEYS[4] userBucket  the caller's rate-limit bucket (user)
  KEYS[5] pass        string: the id of the buyer's live reservation token for this event
  ARGV[1] token
  ARGV[2] user
  ARGV[3] now_ms
  ARGV[4] limit_rate  tokens per second; 0 turns limiting off
  ARGV[5] limit_burst bucket size
  ARGV[6] jti         the new token's id, which replaces the previous one in KEYS[5]
  ARGV[7] pass_ttl_ms how long KEYS[5] lives (the token's lifetime and a little more)

  Returns "limit|result", or just "limit" when the caller is rate-limited (limit: five fields,
  see includes/limit-caller.lua); result is 1 on success, or a negative code (EnterResult):
    -1 unknown token, -2 still waiting, -3 expired or left (or admission window over),
    -4 the place belongs to another user
]]
--- @include "take-token"
--- @include "limit-caller"
local allowed, limit = limit_caller(KEYS[3], KEYS[4], true, tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[3]))
if not allowed then return limit end
local rec = redis.call("HGET", KEYS[1], ARGV[1])
if not rec then return limit .. "|-1" end
local seq, status, times, owner = string.match(rec, "^(-?%d+)|(%a)|(%d+|%d+)|(.*)$")
if status == "W" then return limit .. "|-2" end
if status ~= "R" or not redis.call("ZSCORE", KEYS[2], ARGV[1]) then return limit .. "|-3" end
if owner ~= "" and owner ~= ARGV[2] then return limit .. "|-4" end
if owner == "" then redis.call("HSET", KEYS[1], ARGV[1], seq .. "|R|" .. times .. "|" .. ARGV[2]) end
redis.call("SET", KEYS[5], ARGV[6], "PX", ARGV[7])
return limit .. "|1"
