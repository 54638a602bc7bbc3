--[[
  A waiter's status; also their heartbeat (a status call proves they are still there).

  KEYS[1] tokens      hash token -> "seq|user|status|joined_ms|admitted_ms"
  KEYS[2] wait        zset token -> seq
  KEYS[3] heartbeat   zset token -> last seen ms
  KEYS[4] config      hash: rate, obs_rate, served, opens_at
  KEYS[5] moves       stream of queue moves
  KEYS[6] ipBucket    the caller's rate-limit bucket (client IP)
  ARGV[1] token
  ARGV[2] now_ms
  ARGV[3] limit_rate  tokens per second; 0 turns limiting off
  ARGV[4] limit_burst bucket size
  ARGV[5] with_last_move "1" to look up last_move_id (a WebSocket's resume point), else "0"

  Returns "limit|status|position|seq|joined_ms|rate|served|last_move_id|opens_at", or just
  "limit" when the caller is rate-limited (limit: five fields, see includes/limit-caller.lua).
  One flat string rather than a nested array: Redis encodes it and ioredis decodes it in a
  fraction of the time, and this is the hottest call there is.
    status "" when the token is unknown; rate is the observed admission rate per second (or the
    configured one before any admission, or "" when none is configured), as a string;
    last_move_id lets a WebSocket resume from exactly this point of the move stream ("" unless
    asked for); position is 0 while the pre-queue is closed (places are drawn when it opens at
    opens_at, ms, 0 when there is no pre-queue).
]]
--- @include "take-token"
--- @include "limit-caller"
local allowed, limit = limit_caller(KEYS[6], KEYS[6], false, tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[2]))
if not allowed then return limit end
local rec = redis.call("HGET", KEYS[1], ARGV[1])
if not rec then return limit .. "||0|0|0|0|0||0" end
local seq, status, joined = string.match(rec, "^(-?%d+)|[^|]*|(%a)|(%d+)|")

local cfg = redis.call("HMGET", KEYS[4], "obs_rate", "rate", "served", "opens_at")
local opensAt = cfg[4] or "0"
local position = 0
if status == "W" then
  local rank = redis.call("ZRANK", KEYS[2], ARGV[1])
  if rank then
    if tonumber(opensAt) <= tonumber(ARGV[2]) then position = rank + 1 end
    redis.call("ZADD", KEYS[3], "XX", ARGV[2], ARGV[1])
  end
end

local rate = cfg[1]
if not rate or tonumber(rate) == 0 then rate = cfg[2] or "" end
local lastId = ""
if ARGV[5] == "1" then
  local last = redis.call("XREVRANGE", KEYS[5], "+", "-", "COUNT", 1)
  lastId = last[1] and last[1][1] or "0-0"
end
return table.concat({limit, status, position, seq, joined, rate, cfg[3] or "0", lastId, opensAt}, "|")
