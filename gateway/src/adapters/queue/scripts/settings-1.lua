--[[
  Writes an event's operator settings, as stored durably with the event (inventory), into its
  config hash — unless the hash already has these or newer ones. The durable copy is the truth:
  the admin API writes it first and then this; after Redis lost the hash, the gateway puts it
  back from there (a stale copy never overwrites a newer one: versions only go up).

  KEYS[1] config      hash: rate, cap, paused, opens_at, auto_min, auto_max, pow, sv (the version written), and the
                      ticker's own fields (left alone)
  ARGV[1] version     0: the operator never changed anything (then only "sv" is written, so the
                      fields of a line older than durable settings are kept)
  ARGV[2] ttl_ms      the hash lives at least this long from now (the durable copy outlives it)
  ARGV[3] rate        "" for the gateway's default
  ARGV[4] cap         "" for the gateway's default
  ARGV[5] paused      "1" or "0"
  ARGV[6] opens_at    pre-queue opening (ms), "0" for none
  ARGV[7] auto_min    self-tuning bounds (domain/queue/governor.ts), "" for a fixed rate
  ARGV[8] auto_max
  ARGV[9] pow         join challenge difficulty (leading zero bits), "0" for none

  Returns 1 when written, 0 when the hash already had this version or a newer one.
]]
local version = tonumber(ARGV[1])
local current = tonumber(redis.call("HGET", KEYS[1], "sv") or "-1")
if current >= version then return 0 end
if version > 0 then
  for field, value in pairs({rate = ARGV[3], cap = ARGV[4], auto_min = ARGV[7], auto_max = ARGV[8]}) do
    if value == "" then redis.call("HDEL", KEYS[1], field) else redis.call("HSET", KEYS[1], field, value) end
  end
  redis.call("HSET", KEYS[1], "paused", ARGV[5], "opens_at", ARGV[6], "pow", ARGV[9])
end
redis.call("HSET", KEYS[1], "sv", version)
local ttl = redis.call("PTTL", KEYS[1])
if ttl == -1 or ttl < tonumber(ARGV[2]) then redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 1
