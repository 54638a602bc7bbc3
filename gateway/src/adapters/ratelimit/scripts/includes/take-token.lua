--[[
  Include: the token bucket. Concatenate before any script that rate-limits (see
  adapters/ratelimit/scripts.ts, TAKE_TOKEN_LUA), then call take_token(...) from that script, so a hot
  path can limit and do its own work in the same round trip.

  take_token(key, rate_per_sec, burst, now_ms, cost)
    key           a hash {t = tokens left (may be fractional), ts = ms of last refill}
    rate_per_sec  refill rate; burst: capacity; now_ms: caller's clock; cost: tokens wanted
  Returns {allowed (1|0), remaining (whole tokens), full_ms (until the bucket is full again),
           retry_ms (until `cost` tokens are there; 0 when allowed)}
]]
local function take_token(key, rate_per_sec, burst, now_ms, cost)
  local state = redis.call("HMGET", key, "t", "ts")
  local tokens = tonumber(state[1]) or burst
  local ts = tonumber(state[2]) or now_ms
  -- Replicas' clocks differ by a few ms; a caller behind the last writer refills nothing
  -- rather than going negative.
  local elapsed = math.max(0, now_ms - ts)
  tokens = math.min(burst, tokens + elapsed * rate_per_sec / 1000)
  local allowed, retry_ms = 0, 0
  if tokens >= cost then
    tokens = tokens - cost
    allowed = 1
  else
    retry_ms = math.ceil((cost - tokens) * 1000 / rate_per_sec)
  end
  local full_ms = math.ceil((burst - tokens) * 1000 / rate_per_sec)
  redis.call("HSET", key, "t", tostring(tokens), "ts", math.max(ts, now_ms))
  -- Once full again the bucket equals a missing key, so it may vanish then: idle clients cost no memory.
  redis.call("PEXPIRE", key, full_ms + 1000)
  return {allowed, math.floor(tokens), full_ms, retry_ms}
end
