--[[
  Claims an Idempotency-Key for one execution, or reports what became of the first one.
  Check and claim are one script so two simultaneous requests can never both run.

  KEYS[1] record        hash {state = R (running) | D (done), fp, owner, status, body, ctype}
  ARGV[1] fingerprint   hash of method, path, user and body
  ARGV[2] owner         random id of this attempt (only it may finish or release the claim)
  ARGV[3] lock_ms       life of a running claim whose owner never finishes (a crash)

  Returns {1}                      claimed: run the request
          {2, status, body, ctype} done: replay this response
          {-1}                     the key was used for a different request
          {-2}                     the first request is still running
]]
local rec = redis.call("HMGET", KEYS[1], "state", "fp", "status", "body", "ctype")
if not rec[1] then
  redis.call("HSET", KEYS[1], "state", "R", "fp", ARGV[1], "owner", ARGV[2])
  redis.call("PEXPIRE", KEYS[1], ARGV[3])
  return {1}
end
if rec[2] ~= ARGV[1] then return {-1} end
if rec[1] == "R" then return {-2} end
return {2, rec[3], rec[4], rec[5]}
