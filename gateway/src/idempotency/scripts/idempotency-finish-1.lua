--[[
  Turns this attempt's claim into the stored response that later retries replay.

  KEYS[1] record        see idempotency-begin-1.lua
  ARGV[1] owner         the attempt that claimed the key
  ARGV[2] status        HTTP status
  ARGV[3] body          response body
  ARGV[4] ctype         response content type
  ARGV[5] ttl_ms        how long the response is replayed

  Returns 1 stored; -3 the claim was lost (it expired, and maybe another attempt claimed it)
]]
if redis.call("HGET", KEYS[1], "owner") ~= ARGV[1] then return -3 end
redis.call("HSET", KEYS[1], "state", "D", "status", ARGV[2], "body", ARGV[3], "ctype", ARGV[4])
redis.call("PEXPIRE", KEYS[1], ARGV[5])
return 1
