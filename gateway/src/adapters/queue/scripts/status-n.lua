--[[
  The status of a batch of waiters of one event; each status is also that waiter's heartbeat
  (a status call proves they are still there). The gateway gathers one event's status calls of
  an event-loop turn into one call (kit/src/batcher.ts): one record read, one settings read and
  one heartbeat write serve the whole batch.

  "-n": the key count depends on the batch, so callers pass it (5 + 1 per limited entry).
  KEYS[1] tokens      hash token -> "seq|status|joined_ms|admitted_ms|user" (user last: an id may hold "|")
  KEYS[2] wait        zset token -> seq
  KEYS[3] heartbeat   zset token -> last seen ms
  KEYS[4] config      hash: rate, obs_rate, served, opens_at, sale, sale_held, sale_opens
  KEYS[5] moves       stream of queue moves
  KEYS[6…]            the rate-limit buckets (client IPs) of the limited entries, in order
  ARGV[1] now_ms
  ARGV[2] limit_rate  tokens per second; 0 turns limiting off
  ARGV[3] limit_burst bucket size
  then three per entry i (ARGV[3i+1], ARGV[3i+2], ARGV[3i+3]):
    token
    limited         "1" to rate-limit this caller, "0" not to
    with_last_move  "1" to look up last_move_id (a WebSocket's resume point), else "0"

  Returns one line per entry, in order, joined by "\n":
  "limit|status|position|seq|joined_ms|rate|served|last_move_id|opens_at|line|sale|held", or just "limit" when
  that caller is rate-limited (limit: five fields, see includes/limit-caller.lua). Flat strings
  rather than nested arrays: Redis encodes them and ioredis decodes them in a fraction of the
  time, and this is the hottest call there is.
    status "" when the token is unknown (or waiting without a place in line: a partial loss of
    Redis data), which the gateway answers as a lost place; rate is the observed admission rate per second (or the
    configured one before any admission, or "" when none is configured), as a string;
    last_move_id lets a WebSocket resume from exactly this point of the move stream ("" unless
    asked for); position is 0 while the pre-queue is closed (places are drawn when it opens at
    opens_at, ms: the operator's opening, else the event's sale_opens; 0 when there is none);
    line is the line's id (see join-n.lua), only with last_move_id ("" for a line older than line
    ids); sale and held are the line's sale state and seats held as the admission ticker last read
    them ("" before any reading: on sale).
]]
--- @include "take-token"
--- @include "limit-caller"
local now = ARGV[1]
local limitRate, limitBurst = tonumber(ARGV[2]), tonumber(ARGV[3])
local entries = (#ARGV - 3) / 3

-- Rate limits first: a refused caller's status is not read.
local limits, allowed, asked, wantsMove, bucket = {}, {}, {}, false, 6
for i = 1, entries do
  local a = 3 * i + 1
  allowed[i], limits[i] = true, "1|0|0|0|off"
  if ARGV[a + 1] == "1" then
    allowed[i], limits[i] = limit_caller(KEYS[bucket], KEYS[bucket], false, limitRate, limitBurst, tonumber(now))
    bucket = bucket + 1
  end
  if allowed[i] then
    asked[#asked + 1] = ARGV[a]
    if ARGV[a + 2] == "1" then wantsMove = true end
  end
end

-- The line's id rides along with the records a socket asks for (one more field, same read).
if wantsMove then asked[#asked + 1] = "~line" end
local records = #asked > 0 and redis.call("HMGET", KEYS[1], unpack(asked)) or {}
local line = wantsMove and (records[#asked] or "") or ""
local cfg = redis.call("HMGET", KEYS[4], "obs_rate", "rate", "served", "opens_at", "sale", "sale_held", "sale_opens")
-- The operator's opening overrides the event's (see join-n.lua).
local opensAt = tonumber(cfg[4] or "0") > 0 and cfg[4] or (cfg[7] or "0")
local rate = cfg[1]
if not rate or tonumber(rate) == 0 then rate = cfg[2] or "" end
local lastId = ""
if wantsMove then
  local last = redis.call("XREVRANGE", KEYS[5], "+", "-", "COUNT", 1)
  lastId = last[1] and last[1][1] or "0-0"
end

local out, seen, r = {}, {}, 0
for i = 1, entries do
  local a = 3 * i + 1
  if not allowed[i] then
    out[i] = limits[i]
  else
    r = r + 1
    local rec = records[r]
    local seq, status, joined, position = nil, nil, nil, 0
    if rec then
      seq, status, joined = string.match(rec, "^(-?%d+)|(%a)|(%d+)|")
      if status == "W" then
        local rank = redis.call("ZRANK", KEYS[2], ARGV[a])
        if rank then
          if tonumber(opensAt) <= tonumber(now) then position = rank + 1 end
          seen[#seen + 1], seen[#seen + 2] = now, ARGV[a]
        else
          -- Waiting, yet not in line: only a partial loss of Redis data does that.
          status = nil
        end
      end
    end
    if not status then
      out[i] = limits[i] .. "||0|0|0|0|0||0|||"
    else
      local move = ARGV[a + 2] == "1" and lastId or ""
      local lineId = ARGV[a + 2] == "1" and line or ""
      out[i] = table.concat({limits[i], status, position, seq, joined, rate, cfg[3] or "0", move, opensAt, lineId,
        cfg[5] or "", cfg[6] or ""}, "|")
    end
  end
end
-- Only waiters still in line are here, so a plain ZADD cannot bring back a dropped one; it also
-- covers newcomers the ticker has not yet given their first heartbeat.
if #seen > 0 then redis.call("ZADD", KEYS[3], unpack(seen)) end
return table.concat(out, "\n")
