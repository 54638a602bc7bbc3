--[[
  Takes one request's tokens from a client's bucket (an IP's or a user's).

  KEYS[1] bucket        hash {t, ts}, see includes/take-token.lua
  ARGV[1] rate_per_sec
  ARGV[2] burst
  ARGV[3] now_ms
  ARGV[4] cost          tokens this request takes (normally 1)

  Returns {allowed (1|0), remaining, full_ms, retry_ms}
]]
--- @include "take-token"
return take_token(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
