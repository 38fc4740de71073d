import { createHash } from "node:crypto";

/** A Lua script and its SHA1, for EVALSHA. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/**
 * A script with its SHA1, prefixed with the caches' write library unless `withLibrary` is
 * false. Every script that writes the caches' keys must go through the library's
 * `write_row` / `track`: they read the stored hash inside the script, so the online set,
 * type sets and counters always follow what is stored. The library expects ARGV[1] to be
 * the key prefix (`<ns>:`) and defines `count(field, by)`, `track(id, status, type,
 * decommissioned, by)`, `write_row(fields)` and `write_rows(first_argv)`.
 *
 * @example
 * const writeRows = luaScript("writeRows", "return write_rows(2)");
 */
export function luaScript(name: string, body: string, withLibrary = true): LuaScript {
  const source = withLibrary ? `${library}\n${body}` : body;
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}

/** Error code a script answers when the checkpoint is not where the caller expected it. */
export const checkpointConflictCode = "CHECKPOINT_CONFLICT";

/** Error code of a first batch (no checkpoint yet) sent without the stream's end. */
export const missingStreamEndCode = "MISSING_STREAM_END";

// Shared by every script. ARGV[1] is the key prefix (`<ns>:`); the per-device and per-type
// keys are derived from it inside the script because which type set to leave depends on the
// stored hash, read here, in the same atomic step. The old values are always read inside
// the script, never trusted from the caller, so a replay or a concurrent writer can never
// make the sets and counters double-count.
const library = `
local prefix = ARGV[1]
local online_key = prefix .. 'online'
local counts_key = prefix .. 'counts'

local function count(field, by)
  if redis.call('HINCRBY', counts_key, field, by) == 0 then
    redis.call('HDEL', counts_key, field)
  end
end

-- Adds (by = 1) or removes (by = -1) a device from the online set, its type set and the
-- counters. Decommissioned devices are in none of them.
local function track(id, status, dtype, decommissioned, by)
  if decommissioned then return end
  count('status:' .. status, by)
  count('type:' .. dtype, by)
  if by > 0 then
    redis.call('SADD', prefix .. 'type:' .. dtype, id)
    if status == 'online' then redis.call('SADD', online_key, id) end
  else
    redis.call('SREM', prefix .. 'type:' .. dtype, id)
    redis.call('SREM', online_key, id)
  end
end

-- Replaces a device's hash with the given fields unless the stored version is as new or
-- newer. Returns 1 when written.
local function write_row(fields)
  local id = fields.id
  local key = prefix .. 'device:' .. id
  local old = redis.call('HMGET', key, 'version', 'status', 'type', 'decommissionedAt')
  local stored = tonumber(old[1])
  if stored and stored >= tonumber(fields.version) then return 0 end
  if old[2] and old[3] then track(id, old[2], old[3], old[4], -1) end
  local flat = {}
  for field, value in pairs(fields) do
    flat[#flat + 1] = field
    flat[#flat + 1] = value
  end
  redis.call('DEL', key)
  redis.call('HSET', key, unpack(flat))
  track(id, fields.status, fields.type, fields.decommissionedAt, 1)
  return 1
end

local function write_rows(first)
  local written = 0
  for i = first, #ARGV do
    written = written + write_row(cjson.decode(ARGV[i]))
  end
  return written
end
`;

/**
 * KEYS: checkpoint, replaying-until marker. ARGV: prefix, from, to, stream end, row JSON… →
 * how many rows were written, or the CHECKPOINT_CONFLICT error (and nothing written) when the
 * checkpoint is not at `from` (missing counts as 0).
 *
 * The marker tells readers that the caches are being built from empty and are not yet as
 * new as what they could have read before: the first batch onto a missing checkpoint sets
 * it to the stream end the caller found (ARGV[4]) unless the batch already reaches it, and
 * the batch that reaches it deletes it, in the same atomic step as the rows and checkpoint.
 */
export const commitBatchScript = luaScript(
  "commitBatch",
  `
local current = redis.call('GET', KEYS[1])
if tonumber(current or '0') ~= tonumber(ARGV[2]) then
  return redis.error_reply('${checkpointConflictCode} checkpoint is ' .. (current or 'missing') .. ', expected ' .. ARGV[2])
end
-- until_seq stays a string: as a Lua number, SET would store a large sequence as 1e+15.
local until_seq
if current then
  until_seq = redis.call('GET', KEYS[2])
else
  -- Nothing here: the data was lost (or never built). Without the stream end the caches
  -- could not tell readers when they are whole again, so refuse the batch.
  until_seq = ARGV[4]
  if not tonumber(until_seq) then
    return redis.error_reply('${missingStreamEndCode} a batch onto a missing checkpoint needs the stream end')
  end
end
local written = write_rows(5)
redis.call('SET', KEYS[1], ARGV[3])
if until_seq and tonumber(until_seq) > tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], until_seq)
elseif until_seq then
  redis.call('DEL', KEYS[2])
end
return written
`,
);
