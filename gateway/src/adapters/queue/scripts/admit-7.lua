--[[
  One tick of an event's admission control: gives newcomers their first heartbeat, drops
  abandoned waiters, then admits from the head of the line at the configured rate (with
  fractional credit carried between ticks) and never beyond the cap on admitted-but-unfinished
  buyers. Run only by the lease holder.

  KEYS[1] config      hash: rate, cap, paused, opens_at, sv (the operator's settings and their
                      version, see settings-1.lua), credit, last, obs_rate, served (count),
                      hb_seq (the last arrival number given its first heartbeat)
  KEYS[2] wait        zset token -> seq
  KEYS[3] heartbeat   zset token -> last seen ms
  KEYS[4] tokens      hash token -> "seq|status|joined_ms|admitted_ms|user" (user last: an id may hold "|")
  KEYS[5] admitted    zset token -> admitted ms
  KEYS[6] window      zset "<ms>:<n>" -> ms (admissions in the rate window)
  KEYS[7] moves       stream of queue moves
  ARGV[1] now_ms
  ARGV[2] heartbeat_timeout_ms   a waiter silent this long is dropped
  ARGV[3] admitted_ttl_ms        an admission counts against the cap this long at most
  ARGV[4] window_ms              sliding window of the observed rate
  ARGV[5] max_per_tick           bound on the work of one tick
  ARGV[6] default_rate           used until an operator sets one
  ARGV[7] default_cap
  ARGV[8] gate                   "1": admit nobody while the operator's settings are missing
                                 (no "sv": Redis lost them) — the gateway puts them back first
  ARGV[9] sale                   the event's stock as just read (domain/queue/sale.ts): "O" on sale, "S"
                                 sold out (seats held), "C" closed (all sold); "" when no new
                                 reading: the line keeps its last state (config "sale")
  ARGV[10] seats_held            seats HELD at that reading
  ARGV[11] seats_available       seats AVAILABLE at that reading
  ARGV[12] auto_rate             the rate self-tuning chose for this tick (domain/queue/governor.ts), used
                                 instead of the configured one and kept as "auto_rate"; "" when
                                 the event's admission is not self-tuned
  ARGV[13] sale_opens            the event's sale_opens_at (ms) as the gateway knows it, kept as
                                 "sale_opens"; 0: not known (the line keeps what it was told)
  ARGV[14] sale_closes           the event's sale_closes_at (ms), kept as "sale_closes"; 0: not known

  The sale window drives the line: admission starts at the opening (the operator's opens_at when
  set, else sale_opens), and from sale_closes on the line is "E" (ended) whatever the stock:
  nobody more is admitted, and that change is a move like any other sale change.

  Admission runs only while the line is on sale, and a tick admits no more buyers than there
  are seats available (each needs at least one). A change of state, or of the seats held while
  sold out (at most every 2 s), is a move of its own ("sale", "held"), so every socket hears it.

  Every move appended to the stream carries the line's id ("g", see join-n.lua), so a live socket
  whose place belongs to a lost line is told, never mistaken for a newcomer with its number.
  A tick that registers newcomers also gives the line's other keys (config, admitted, window,
  moves) the line's remaining lifetime when theirs is shorter or unset: they go when it goes.

  Returns {admitted, dropped, waiting, obs_rate, note, waits}; note is "settings" when gated
  (nothing done), "gone" when gated and the line has no token records left (expired or lost),
  else ""; waits lists the time in line (ms, join to now) of each buyer this tick admitted (the
  token record already read to mark them admitted holds the join time: no extra read).
]]
local now = tonumber(ARGV[1])
local maxPerTick = tonumber(ARGV[5])
local cfg = redis.call("HMGET", KEYS[1], "rate", "cap", "paused", "credit", "last", "served", "opens_at", "hb_seq", "sv", "sale", "sale_held", "sale_at", "auto_rate", "sale_opens", "sale_closes", "opened")
if ARGV[8] == "1" and not cfg[9] then
  -- Nobody in line: nothing to decide, and nothing written (a forgotten event leaves no keys).
  local waiting = redis.call("ZCARD", KEYS[2])
  if waiting > 0 then return {0, 0, waiting, "0", "settings", {}} end
  -- No token records either: the line expired or was lost; the ticker stops ticking it.
  return {0, 0, 0, "0", redis.call("EXISTS", KEYS[4]) == 0 and "gone" or "", {}}
end
local rate = tonumber(cfg[1] or ARGV[6])
if ARGV[12] ~= "" then
  rate = tonumber(ARGV[12])
  if cfg[13] ~= ARGV[12] then redis.call("HSET", KEYS[1], "auto_rate", ARGV[12]) end
elseif cfg[13] then
  redis.call("HDEL", KEYS[1], "auto_rate")
end
local cap = tonumber(cfg[2] or ARGV[7])
local credit = tonumber(cfg[4] or "0")
-- A first tick gets one second of credit, as if the ticker had always been running.
local last = tonumber(cfg[5] or (now - 1000))
local served = tonumber(cfg[6] or "0")

-- The event's window: as this gateway knows it, else as the line was last told.
local saleOpens, saleCloses = cfg[14] or "0", cfg[15] or "0"
if tonumber(ARGV[13]) > 0 and (ARGV[13] ~= saleOpens or ARGV[14] ~= saleCloses) then
  saleOpens, saleCloses = ARGV[13], ARGV[14]
  redis.call("HSET", KEYS[1], "sale_opens", saleOpens, "sale_closes", saleCloses)
end
local ended = tonumber(saleCloses) > 0 and now >= tonumber(saleCloses)

-- The stock: a new reading replaces the line's state; telling the sockets is a move of its own.
-- A closed window overrides any reading; a line told "ended" whose window is open again (moved
-- later) goes back to its stock, or on sale until the next reading.
local sale, seatsHeld, available = cfg[10] or "O", cfg[11] or "0", nil
local reading, readingHeld = ARGV[9], ARGV[10]
if ARGV[9] ~= "" then available = tonumber(ARGV[11]) end
if ended then
  reading, readingHeld = "E", seatsHeld
elseif sale == "E" and reading == "" then
  reading, readingHeld = "O", "0"
end
local saleMoved = false
if reading ~= "" then
  local heldChanged = reading == "S" and readingHeld ~= seatsHeld and now - tonumber(cfg[12] or "0") >= 2000
  if reading ~= sale or heldChanged then
    saleMoved = true
    sale, seatsHeld = reading, readingHeld
    redis.call("HSET", KEYS[1], "sale", sale, "sale_held", seatsHeld, "sale_at", now)
  end
end

-- Returns the waiter's join time (ms), or nil when the token has no record.
local function setStatus(token, status, admittedMs)
  local rec = redis.call("HGET", KEYS[4], token)
  if rec then
    local seq, joined, owner = string.match(rec, "^(-?%d+)|%a|(%d+)|%d+|(.*)$")
    redis.call("HSET", KEYS[4], token, seq .. "|" .. status .. "|" .. joined .. "|" .. admittedMs .. "|" .. owner)
    return tonumber(joined)
  end
end

-- A counter-numbered newcomer's first heartbeat is its join time, written here rather than by
-- each join (the hot path does one write less per buyer): waiters numbered after hb_seq, in
-- order, a bounded number per tick. NX: a status call may already have written a later one.
-- (Pre-queue joiners, drawn negative numbers, get theirs when they join.)
local registered = tonumber(cfg[8] or "0")
local newcomers = redis.call("ZRANGEBYSCORE", KEYS[2], "(" .. registered, "+inf", "WITHSCORES", "LIMIT", 0, 4 * maxPerTick)
-- In chunks: Lua's unpack takes at most 8,000 values.
for from = 1, #newcomers, 4000 do
  local tokens = {}
  for i = from, math.min(from + 3999, #newcomers), 2 do tokens[#tokens + 1] = newcomers[i] end
  local records = redis.call("HMGET", KEYS[4], unpack(tokens))
  local seen = {}
  for i = 1, #tokens do
    local joined = records[i] and string.match(records[i], "^[^|]*|%a|(%d+)|") or now
    seen[2 * i - 1], seen[2 * i] = joined, tokens[i]
  end
  redis.call("ZADD", KEYS[3], "NX", unpack(seen))
end
local lineTtl = 0
if #newcomers > 0 then
  registered = newcomers[#newcomers]
  -- The first write creates the set: give it the line's lifetime (joins refresh both).
  lineTtl = redis.call("PTTL", KEYS[2])
  if lineTtl > 0 then redis.call("PEXPIRE", KEYS[3], lineTtl) end
end

-- Abandoned places anywhere in the line go first, so they never stall the head.
local dropped = {}
local silent = redis.call("ZRANGEBYSCORE", KEYS[3], "-inf", now - tonumber(ARGV[2]), "LIMIT", 0, maxPerTick)
for _, token in ipairs(silent) do
  local seq = redis.call("ZSCORE", KEYS[2], token)
  redis.call("ZREM", KEYS[2], token)
  redis.call("ZREM", KEYS[3], token)
  setStatus(token, "X", 0)
  if seq then dropped[#dropped + 1] = seq end
end

-- Admissions whose buyers had their time free their slot under the cap.
redis.call("ZREMRANGEBYSCORE", KEYS[5], "-inf", now - tonumber(ARGV[3]))

local admitted = {}
local waits = {}
-- The operator's opening overrides the event's (see join-n.lua).
local opensAt = tonumber(cfg[7] or "0")
if opensAt <= 0 then opensAt = tonumber(saleOpens) end
local opened = false
if opensAt > 0 and opensAt <= now and cfg[16] ~= string.format("%d", opensAt) then
  -- First tick after the pre-queue opens (kept as the opening it was, so an opening moved later
  -- opens again): live sockets learn their drawn places.
  redis.call("HSET", KEYS[1], "opened", string.format("%d", opensAt))
  opened = true
end
if cfg[3] ~= "1" and opensAt <= now and sale == "O" then
  -- Credit accrues at `rate` per second, at most one second's worth, so a stalled ticker
  -- cannot release a burst when it resumes.
  credit = math.min(credit + rate * math.min(now - last, 1000) / 1000, math.max(rate, 1))
  local room = cap - redis.call("ZCARD", KEYS[5])
  local budget = math.min(math.floor(credit), room, maxPerTick, available or maxPerTick)
  if budget > 0 then
    local head = redis.call("ZRANGE", KEYS[2], 0, budget - 1, "WITHSCORES")
    for i = 1, #head, 2 do
      local token, seq = head[i], head[i + 1]
      redis.call("ZREM", KEYS[2], token)
      redis.call("ZREM", KEYS[3], token)
      redis.call("ZADD", KEYS[5], now, token)
      local joined = setStatus(token, "R", now)
      if joined then waits[#waits + 1] = math.max(0, now - joined) end
      admitted[#admitted + 1] = seq
      served = served + 1
    end
    credit = credit - #admitted
  end
end

-- Observed admission rate over the sliding window, for ETAs.
if #admitted > 0 then redis.call("ZADD", KEYS[6], now, now .. ":" .. #admitted) end
redis.call("ZREMRANGEBYSCORE", KEYS[6], "-inf", now - tonumber(ARGV[4]))
local total, first = 0, now
local recent = redis.call("ZRANGE", KEYS[6], 0, -1, "WITHSCORES")
for i = 1, #recent, 2 do
  total = total + tonumber(string.match(recent[i], ":(%d+)$"))
  first = math.min(first, tonumber(recent[i + 1]))
end
-- Divide by the span actually observed (at least a second), so a young queue's rate is not
-- diluted by the empty part of the window.
local obsRate = total * 1000 / math.max(now - first, 1000)

redis.call("HSET", KEYS[1], "credit", credit, "last", now, "obs_rate", obsRate, "served", served, "hb_seq", registered)
if #admitted > 0 or #dropped > 0 or opened or saleMoved then
  redis.call("XADD", KEYS[7], "MAXLEN", "~", 1000, "*",
    "a", table.concat(admitted, ","), "r", table.concat(dropped, ","), "rate", obsRate, "served", served,
    "opened", opened and "1" or "0", "g", redis.call("HGET", KEYS[4], "~line") or "",
    "sale", sale, "held", seatsHeld)
end
if lineTtl > 0 then
  for _, key in ipairs({KEYS[1], KEYS[5], KEYS[6], KEYS[7]}) do
    local ttl = redis.call("PTTL", key)
    if ttl == -1 or (ttl >= 0 and ttl < lineTtl) then redis.call("PEXPIRE", key, lineTtl) end
  end
end
return {#admitted, #dropped, redis.call("ZCARD", KEYS[2]), tostring(obsRate), "", waits}
