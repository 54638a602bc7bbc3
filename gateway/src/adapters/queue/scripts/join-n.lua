--[[
  Joins a batch of callers to one event's waiting room, in the order given: each gets a new
  place, or the place its idempotency key or user already holds (one taken earlier in the same
  batch included). The gateway gathers one event's joins of an event-loop turn into one call
  (kit/src/batcher.ts), so Redis runs one script and three bulk writes instead of one script per
  buyer. Arrival order is the counter, so places are strict and never tied. Before an event's
  pre-queue opens, a joiner instead gets a random negative place, so when the sale opens
  everyone who came early is in a uniformly random order, ahead of later arrivals, and arriving
  first by milliseconds gives no edge. The pre-queue opens at the operator's opens_at when set,
  else at the event's sale_opens_at; from the event's sale_closes_at on, the line takes no joins.

  Anonymous places are capped per client address (ARGV[7]): an anonymous newcomer whose address
  already holds that many places still in play (waiting, or admitted within the admission window
  and not yet bound to a buyer by enter) gets "!places" instead of a place.
  The places of an address are counted in a zset, pruned of ended places only when it is full.

  While the operator asks for a challenge (config pow: leading zero bits, 0 or none: off), a new
  place needs a solved challenge of at least that difficulty, which the gateway has checked
  (signature, event, expiry, solution: kit/src/pow/challenge.ts); this script spends its nonce,
  once: a nonce seen before is refused until the challenge expires. A repeated idempotency key,
  or a signed-in user with a live place, gets that place back without one (no new place).

  "-n": the key count depends on the batch, so callers pass it (8 + 3 per limited entry).
  KEYS[1] seq          arrival counter
  KEYS[2] wait         zset token -> seq
  KEYS[3] heartbeat    zset token -> last seen ms (written here for pre-queue joiners only; the
                       admission ticker gives counter-numbered newcomers their first one, see admit-7.lua)
  KEYS[4] tokens       hash token -> "seq|status|joined_ms|admitted_ms|user" (user last: an id may hold "|")
  KEYS[5] byIdemKey    hash idempotency key -> token
  KEYS[6] byUser       hash user -> token
  KEYS[7] config       hash: rate, obs_rate, opens_at, sv, sale, sale_held (read), sale_opens,
                       sale_closes (the event's window: written when this batch knows another)
  KEYS[8] spent        zset challenge nonce -> expires ms (pruned of expired ones when spending)
  KEYS[9…]             per limited entry, in order, three keys: the client IP's rate-limit
                       bucket, the signed-in user's (the IP's again when anonymous), and the
                       client address's anonymous places (zset token -> joined ms)
  ARGV[1] now_ms
  ARGV[2] ttl_sec      lifetime of the waiting room's keys (set on the first join, refreshed every 1000th)
  ARGV[3] limit_rate   tokens per second of each bucket; 0 turns limiting off
  ARGV[4] limit_burst  bucket size
  ARGV[5] gate         "1": refuse the batch (before any work) while the operator's settings are
                       missing from config (no "sv": Redis lost them), "0": join anyway
  ARGV[6] line_id      a fresh random id; becomes the line's id if this batch starts a new line
  ARGV[7] max_places   most live anonymous places per client address (limited entries only); 0: no cap
  ARGV[8] admitted_ttl_ms  how long an admission lasts (an unused admitted place counts that long)
  ARGV[9] sale_opens   the event's sale_opens_at (ms) as the gateway knows it; 0: not known
  ARGV[10] sale_closes the event's sale_closes_at (ms); 0: not known
  ARGV[11…] one per entry, "limited|token|idem_key|challenge|user" (one argument rather than five: the
           client encodes every argument separately, which was a measurable share of the
           gateway's time per join):
    limited    "1" to rate-limit this caller, "0" not to
    token      the new token ("<event>.<22 base64url chars of 128 random bits>"), used only when
               this is a new join
    idem_key   "" when none (a UUID)
    challenge  "" when none, else "nonce:difficulty:expires_ms" of a challenge the gateway checked
    user       "" when anonymous; last, since an id may itself hold "|"

  The line's id lives in the token records under the field "~line" (no token looks like that):
  it is written by the batch that starts a line, i.e. the first join after the records were lost
  or expired, so a place from before a loss is recognised (live sockets compare it, see
  admit-7.lua's moves).

  Returns "!settings" when gated, "!closed" when the line is closed (every seat sold, see
  domain/queue/sale.ts), "!ended" when the sale window has closed (now >= sale_closes, or the ticker
  already said so; nothing done in any of these), else one line per entry, in order, joined by
  "\n": "limit|token|status|position|is_new|rate|opens_at|sale|held", "limit|!places" when an
  anonymous caller's address holds too many places, "limit|!challenge|<difficulty>" when a new
  place needs a solved challenge of that difficulty, "limit|!spent" when its nonce was spent
  already, or just "limit" when that caller is
  rate-limited (limit: five fields, see includes/limit-caller.lua; flat strings for the reason
  given in status-n.lua), and one more line "+born" when this batch started a new line.
    status: W waiting, R ready (admitted), X expired, L left; position 0 unless waiting and
    the sale is open;
    rate: observed admissions per second (or the configured rate, or "" before any), a string;
    opens_at: the pre-queue's opening time (ms) while it is closed, else 0;
    sale, held: the line's sale state and seats held as last read ("" before any reading).
]]
--- @include "take-token"
--- @include "limit-caller"
local now, ttl = ARGV[1], tonumber(ARGV[2])
local limitRate, limitBurst = tonumber(ARGV[3]), tonumber(ARGV[4])
local maxPlaces, admittedTtl = tonumber(ARGV[7]), tonumber(ARGV[8])
local FIXED = 10
local entries = #ARGV - FIXED
-- The challenge difficulty asked of new places (0: none); read apart from the settings below.
local need = tonumber(redis.call("HGET", KEYS[7], "pow") or "0")

local cfg = redis.call("HMGET", KEYS[7], "obs_rate", "rate", "opens_at", "sv", "sale", "sale_held", "sale_opens", "sale_closes")
-- The settings decide where a joiner goes (a pre-queue draws places): never guess them.
if ARGV[5] == "1" and not cfg[4] then return "!settings" end
-- Every seat is sold: a place in this line would lead nowhere.
if cfg[5] == "C" then return "!closed" end
-- The event's window as this gateway knows it, else as the line was last told.
local saleOpens = tonumber(ARGV[9]) > 0 and ARGV[9] or (cfg[7] or "0")
local saleCloses = tonumber(ARGV[10]) > 0 and ARGV[10] or (cfg[8] or "0")
-- Half-open window: at sale_closes exactly the sale is over.
if cfg[5] == "E" or (tonumber(saleCloses) > 0 and tonumber(now) >= tonumber(saleCloses)) then return "!ended" end
if saleOpens ~= (cfg[7] or "0") or saleCloses ~= (cfg[8] or "0") then
  -- Status calls and the ticker read it from here (so does the first join of a line, before any tick).
  redis.call("HSET", KEYS[7], "sale_opens", saleOpens, "sale_closes", saleCloses)
end
local saleTail = "|" .. (cfg[5] or "") .. "|" .. (cfg[6] or "")
local rate = cfg[1]
if not rate or tonumber(rate) == 0 then rate = cfg[2] or "" end
-- The operator's opening overrides the event's (0 or none: follow the event).
local opening = tonumber(cfg[3] or "0") > 0 and cfg[3] or saleOpens
local preQueue = tonumber(opening) > tonumber(now)
local opensAt = 0
if preQueue then opensAt = opening end

-- Places taken earlier in this batch are written at the end; until then these tables stand in
-- for the hashes, so a key or user repeated within one batch still finds its place.
local fresh = {}                                   -- token -> position
local freshBy = { [KEYS[5]] = {}, [KEYS[6]] = {} } -- hash -> field -> token

-- `live`: reuse the place only while it is waiting or admitted (a user's earlier place that
-- expired or was left must not be handed back: the buyer is joining again). A repeated
-- idempotency key always gets its own answer back, whatever became of that place.
local function existing(hash, field, live)
  if field == "" then return nil end
  local t = freshBy[hash][field] or redis.call("HGET", hash, field)
  if not t then return nil end
  if fresh[t] then return t end
  local record = redis.call("HGET", KEYS[4], t)
  if not record then return nil end
  if live and not string.match(record, "^[^|]*|[WR]") then return nil end
  return t
end

local B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
-- A pre-queue place: minus one minus 48 of the token's random bits, so early joiners' places
-- are uniformly random (ties, broken by token order, are vanishingly rare).
local function drawnPlace(token)
  local bits = 0
  for c in string.gmatch(string.match(token, "%.(........)"), ".") do
    bits = bits * 64 + string.find(B64URL, c, 1, true) - 1
  end
  -- %d, not tostring: Lua prints numbers past 14 digits in exponent form.
  return string.format("%d", -1 - bits)
end

-- Nonces spent by this batch (until written at the end): nonce -> true, and ZADD arguments.
local spentNow, spending = {}, {}

-- Why a new place cannot be given for this challenge ("" none given), or nil when it may.
local function challengeRefusal(challenge)
  local nonce, difficulty = string.match(challenge, "^([^:]+):(%d+):%d+$")
  if not nonce or tonumber(difficulty) < need then return "!challenge|" .. need end
  if spentNow[nonce] or redis.call("ZSCORE", KEYS[8], nonce) then return "!spent" end
  return nil
end

local function placeOf(token)
  if fresh[token] then return "W", fresh[token] end
  local status = string.match(redis.call("HGET", KEYS[4], token), "^[^|]*|(%a)")
  local rank = status == "W" and not preQueue and redis.call("ZRANK", KEYS[2], token)
  return status, rank and rank + 1 or 0
end

-- An anonymous place still in play: waiting, or admitted and unused within its window (once
-- enter binds it to a buyer it is that buyer's, and no longer the address's).
local function inPlay(record)
  if not record then return false end
  local status, admitted, owner = string.match(record, "^[^|]*|(%a)|%d+|(%d+)|(.*)$")
  if status == "W" then return true end
  return status == "R" and owner == "" and tonumber(admitted) + admittedTtl > tonumber(now)
end

-- True when one more anonymous place fits under the address's cap; places out of play are
-- dropped from its set only once it looks full.
local function roomForPlace(key)
  if redis.call("ZCARD", key) < maxPlaces then return true end
  for _, t in ipairs(redis.call("ZRANGE", key, 0, -1)) do
    if fresh[t] == nil and not inPlay(redis.call("HGET", KEYS[4], t)) then redis.call("ZREM", key, t) end
  end
  return redis.call("ZCARD", key) < maxPlaces
end

local bucket = 9      -- the next limited entry's first key
local length, counter -- read on the first new join only
local born = false    -- this batch started a new line
local added, idems, users = 0, 0, 0
local wait, heartbeat, records, byIdem, byUser, out = {}, {}, {}, {}, {}, {}
for i = 1, entries do
  local limited, token, idem, challenge, user =
    string.match(ARGV[FIXED + i], "^(%d)|([^|]*)|([^|]*)|([^|]*)|(.*)$")
  local allowed, limit, places = true, "1|0|0|0|off", nil
  if limited == "1" then
    allowed, limit = limit_caller(KEYS[bucket], KEYS[bucket + 1], user ~= "", limitRate, limitBurst, tonumber(now))
    if user == "" and maxPlaces > 0 then places = KEYS[bucket + 2] end
    bucket = bucket + 3
  end
  local found = allowed and (existing(KEYS[5], idem) or existing(KEYS[6], user, true))
  local refused = allowed and not found and need > 0 and challengeRefusal(challenge)
  if not allowed then
    out[i] = limit
  elseif refused then
    out[i] = limit .. "|" .. refused
  elseif not found and places and not roomForPlace(places) then
    out[i] = limit .. "|!places"
  elseif found then
    local status, position = placeOf(found)
    out[i] = limit .. "|" .. found .. "|" .. status .. "|" .. position .. "|0|" .. rate .. "|" .. opensAt .. saleTail
  else
    if not length then
      length = redis.call("ZCARD", KEYS[2])
      counter = tonumber(redis.call("GET", KEYS[1]) or "0")
      born = redis.call("HSETNX", KEYS[4], "~line", ARGV[6]) == 1
    end
    if need > 0 then
      local nonce, expires = string.match(challenge, "^([^:]+):%d+:(%d+)$")
      spentNow[nonce] = true
      spending[#spending + 1], spending[#spending + 2] = expires, nonce
    end
    added = added + 1
    local seq, position
    if preQueue then
      seq, position = drawnPlace(token), 0
    else
      seq = counter + added
      -- A counter-numbered newcomer is always last in line, so its place is the line's length.
      position = length + added
    end
    fresh[token] = position
    if places then
      redis.call("ZADD", places, now, token)
      redis.call("EXPIRE", places, ttl)
    end
    local at = 2 * added
    if preQueue then heartbeat[at - 1], heartbeat[at] = now, token end
    wait[at - 1], wait[at] = seq, token
    records[at - 1], records[at] = token, seq .. "|W|" .. now .. "|0|" .. user
    if idem ~= "" then
      freshBy[KEYS[5]][idem] = token
      idems = idems + 2
      byIdem[idems - 1], byIdem[idems] = idem, token
    end
    if user ~= "" then
      freshBy[KEYS[6]][user] = token
      users = users + 2
      byUser[users - 1], byUser[users] = user, token
    end
    out[i] = limit .. "|" .. token .. "|W|" .. position .. "|1|" .. rate .. "|" .. opensAt .. saleTail
  end
end

if added > 0 then
  redis.call("ZADD", KEYS[2], unpack(wait))
  if preQueue then redis.call("ZADD", KEYS[3], unpack(heartbeat)) end
  redis.call("HSET", KEYS[4], unpack(records))
  if idems > 0 then redis.call("HSET", KEYS[5], unpack(byIdem)) end
  if users > 0 then redis.call("HSET", KEYS[6], unpack(byUser)) end
  if not preQueue then redis.call("INCRBY", KEYS[1], added) end
  -- Refreshing six TTLs on every join would double this script's work; on the first joins and
  -- once per thousand keeps an active line alive just as well.
  if length == 0 or math.floor((counter + added) / 1000) > math.floor(counter / 1000) then
    for k = 1, 6 do redis.call("EXPIRE", KEYS[k], ttl) end
  end
end
if #spending > 0 then
  redis.call("ZREMRANGEBYSCORE", KEYS[8], "-inf", now)
  redis.call("ZADD", KEYS[8], unpack(spending))
  redis.call("EXPIRE", KEYS[8], ttl)
end
if born then out[#out + 1] = "+born" end
return table.concat(out, "\n")
