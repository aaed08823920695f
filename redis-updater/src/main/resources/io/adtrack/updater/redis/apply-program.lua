-- Applies one core-data change atomically: store (or delete) and announce, or nothing when stale.
-- KEYS[1] = program:{id}   KEYS[2] = program-tombstone:{id}
-- ARGV[1] = "upsert" | "delete"   ARGV[2] = version   ARGV[3] = channel   ARGV[4] = normalised JSON
-- ARGV[5..] = field, value, field, value, ... (upsert only; includes programId and version)
-- Returns 1 when applied (and published), 0 when stale.
local incoming = tonumber(ARGV[2])
local stored = tonumber(redis.call('HGET', KEYS[1], 'version')) or 0
local tombstone = tonumber(redis.call('GET', KEYS[2])) or 0
local current = math.max(stored, tombstone)
if incoming <= current then
  return 0
end
if ARGV[1] == 'delete' then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], ARGV[2])
else
  -- Replace, not merge: an optional field left out of the new version must disappear.
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], unpack(ARGV, 5))
  redis.call('DEL', KEYS[2])
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
