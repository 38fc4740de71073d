import { luaScript } from "@uaip/projections";

// The cache service's scripts, on the Redis projection's write library (see luaScript): a
// fill, a status update or an invalidation keeps the sets and counters as the projection does.

/** ARGV: prefix, row JSON… → how many rows were written. */
export const writeRowsScript = luaScript("writeRows", "return write_rows(2)");

/**
 * ARGV: prefix, status JSON… → how many were written. Only cached devices are updated (a
 * status alone is not a snapshot), and only when the stored version is older.
 */
export const writeStatusesScript = luaScript(
  "writeStatuses",
  `
local written = 0
for i = 2, #ARGV do
  local s = cjson.decode(ARGV[i])
  local key = prefix .. 'device:' .. s.id
  local old = redis.call('HMGET', key, 'version', 'status', 'type', 'decommissionedAt')
  local stored = tonumber(old[1])
  if old[2] and old[3] and not (stored and stored >= tonumber(s.version)) then
    track(s.id, old[2], old[3], old[4], -1)
    redis.call('HSET', key, 'status', s.status, 'version', s.version)
    if s.statusReason then
      redis.call('HSET', key, 'statusReason', s.statusReason)
    else
      redis.call('HDEL', key, 'statusReason')
    end
    if s.statusChangedAt then
      redis.call('HSET', key, 'statusChangedAt', s.statusChangedAt)
    else
      redis.call('HDEL', key, 'statusChangedAt')
    end
    track(s.id, s.status, old[3], old[4], 1)
    written = written + 1
  end
end
return written
`,
);

/** ARGV: prefix, id… → how many hashes were deleted; their devices leave the sets and counters. */
export const invalidateScript = luaScript(
  "invalidate",
  `
local deleted = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local key = prefix .. 'device:' .. id
  local old = redis.call('HMGET', key, 'status', 'type', 'decommissionedAt')
  if redis.call('DEL', key) == 1 then
    deleted = deleted + 1
    if old[1] and old[2] then track(id, old[1], old[2], old[3], -1) end
  end
end
return deleted
`,
);

/**
 * KEYS: checkpoint, replaying-until marker, device hash… → { checkpoint or nil, marker or nil,
 * HGETALL of each hash as a flat array }. A read, all in one atomic step, so the hashes are
 * exactly the projection at that checkpoint. Without the write library: nothing to define.
 */
export const readSnapshotsScript = luaScript(
  "readSnapshots",
  `
local out = { redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2]) }
for i = 3, #KEYS do out[i] = redis.call('HGETALL', KEYS[i]) end
return out
`,
  false,
);
