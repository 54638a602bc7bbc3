--[[
  Joins an event's waiting room, or returns the place this key or user already holds.
  Arrival order is a Redis counter, so places are strict and never tied. Before an event's
  pre-queue opens (config opens_at), a joiner instead gets a random negative place, so when the
  sale opens everyone who came early is in a uniformly random order, ahead of later arrivals,
  and arriving first by milliseconds gives no edge.

  KEYS[1] seq          arrival counter
  KEYS[2] wait         zset token -> seq
  KEYS[3] heartbeat    zset token -> last seen ms
  KEYS[4] tokens       hash token -> "seq|user|status|joined_ms|admitted_ms"
  KEYS[5] byIdemKey    hash idempotency key -> token
  KEYS[6] byUser       hash user -> token
  KEYS[7] config       hash: rate, obs_rate, opens_at (read only)
  KEYS[8] ipBucket     the caller's rate-limit bucket (client IP)
  KEYS[9] userBucket   the signed-in caller's bucket (any key of this event when anonymous)
  ARGV[1] token        the new token, used only when this is a new join
  ARGV[2] user         "" when anonymous
  ARGV[3] idemKey      "" when none
  ARGV[4] now_ms
  ARGV[5] ttl_sec      lifetime of the waiting room's keys (set on the first join, refreshed every 1000th)
  ARGV[6] pre_place    a random negative integer, used only before the pre-queue opens
  ARGV[7] limit_rate   tokens per second of each bucket; 0 turns limiting off
  ARGV[8] limit_burst  bucket size

  Returns "limit|token|status|position|is_new|rate|opens_at", or just "limit" when the caller
  is rate-limited (limit: five fields, see includes/limit-caller.lua; flat for the reason given
  in status-6.lua)
    status: W waiting, R ready (admitted), X expired, L left; position 0 unless waiting and
    the sale is open;
    rate: observed admissions per second (or the configured rate, or "" before any), a string;
    opens_at: the pre-queue's opening time (ms) while it is closed, else 0.
]]
--- @include "take-token"
--- @include "limit-caller"
local token, user, idem, now, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local allowed, limit = limit_caller(KEYS[8], KEYS[9], user ~= "", tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(now))
if not allowed then return limit end

local function existing(hash, field)
  if field == "" then return nil end
  local t = redis.call("HGET", hash, field)
  if t and redis.call("HEXISTS", KEYS[4], t) == 1 then return t end
  return nil
end

local cfg = redis.call("HMGET", KEYS[7], "obs_rate", "rate", "opens_at")
local rate = cfg[1]
if not rate or tonumber(rate) == 0 then rate = cfg[2] or "" end
local preQueue = cfg[3] and tonumber(cfg[3]) > tonumber(now)
local opensAt = 0
if preQueue then opensAt = cfg[3] end

local found = existing(KEYS[5], idem) or existing(KEYS[6], user)
if found then
  local rec = redis.call("HGET", KEYS[4], found)
  local status = string.match(rec, "^[^|]*|[^|]*|(%a)")
  local position = 0
  if status == "W" and not preQueue then position = redis.call("ZRANK", KEYS[2], found) + 1 end
  return table.concat({limit, found, status, position, 0, rate, opensAt}, "|")
end

local seq
if preQueue then seq = ARGV[6] else seq = redis.call("INCR", KEYS[1]) end
redis.call("ZADD", KEYS[2], seq, token)
redis.call("ZADD", KEYS[3], now, token)
redis.call("HSET", KEYS[4], token, seq .. "|" .. user .. "|W|" .. now .. "|0")
if idem ~= "" then redis.call("HSET", KEYS[5], idem, token) end
if user ~= "" then redis.call("HSET", KEYS[6], user, token) end
-- Refreshing seven TTLs on every join would triple this script's work; once per thousand
-- joins (and on the first) keeps an active line alive just as well.
if seq == 1 or tonumber(seq) % 1000 == 1 then
  for i = 1, 6 do redis.call("EXPIRE", KEYS[i], ttl) end
end
-- A counter-numbered newcomer is always last in line, so its place is the line's length.
return table.concat({limit, token, "W", preQueue and 0 or redis.call("ZCARD", KEYS[2]), 1, rate, opensAt}, "|")
