--[[
  Writes seat states into an event's cached seat map, keeping the newer state of each seat.

  KEYS[1]  inv:{evt}:seats  hash seat id -> "<status>|<hold_expires_at>|<updated_at>"
  KEYS[2]  inv:{evt}:meta   hash; field built_at = epoch ms of the last full rebuild
  ARGV[1]  mode: "apply" (only into an existing map) or "rebuild"
  ARGV[2]  built_at (epoch ms) when mode is "rebuild", else ignored
  ARGV[3..] triples: seat id, encoded state, updated_at (epoch ms)

  Output: the number of seats written; -1 when mode is "apply" and the map does not exist
  (a partial map must never look complete: the next reader rebuilds it from the store).
]]
local mode = ARGV[1]
if mode == "apply" and redis.call("EXISTS", KEYS[2]) == 0 then
  return -1
end
local written = 0
for i = 3, #ARGV, 3 do
  local seat, value, stamp = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local current = redis.call("HGET", KEYS[1], seat)
  local newer = true
  if current then
    local currentStamp = tonumber(string.match(current, "|(%d+)$"))
    newer = currentStamp == nil or currentStamp <= stamp
  end
  if newer then
    redis.call("HSET", KEYS[1], seat, value)
    written = written + 1
  end
end
if mode == "rebuild" then
  redis.call("HSET", KEYS[2], "built_at", ARGV[2])
end
return written
