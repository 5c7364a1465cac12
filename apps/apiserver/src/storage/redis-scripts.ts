// The Lua scripts of RedisStorage. Each runs atomically inside Redis (one round trip, EVALSHA via
// ioredis `defineCommand`, which falls back to EVAL once after a restart flushed the script cache).
// The key schema is documented in docs/apiserver-storage.md.

import { bitmapLuaFunctions } from '../allocators/bitmap-lua.js';

/**
 * Placeholder the client writes as `metadata.resourceVersion` (the first key of `metadata`, which
 * follows only `apiVersion` and `kind`); the write script replaces it with the new revision.
 * NOTE: a quote inside a JSON string value is always escaped, so this quoted pattern can only match
 * the real key/value pair; it must stay the first occurrence in the serialised object.
 */
export const RvPlaceholder = '\u0000rv';
/** `"resourceVersion":"<placeholder>"` exactly as JSON.stringify writes it. */
export const RvPlaceholderJSON = `"resourceVersion":${JSON.stringify(RvPlaceholder)}`;

/**
 * create | update | delete in one step (called with the number of keys first: 7 + claims).
 * KEYS: 1 rev, 2 objects hash, 3 index zset, 4 event stream, 5 meta hash, 6 write-id key,
 *       7 the namespaces' objects hash, 8… one allocation bitmap per claim.
 * ARGV: 1 op, 2 field (`ns/name`), 3 object JSON with the placeholder (create/update),
 *       4 expected revision or '', 5 event head JSON, 6 event tail JSON, 7 max events kept,
 *       8 seconds to remember the write id (exactly-once when ioredis resends after a reconnect),
 *       9 namespace that must exist or '', 10 number of claims, then per claim: max, static band
 *       size, candidate offset, random start in the dynamic band, random start in the static band.
 * Returns {'ok', rev, prev[, deleted object JSON]} | {'exists'} | {'notfound'} | {'conflict'} |
 * {'nsnotfound'} | {'moved', claim index, free offset} | {'full', claim index}; only 'ok' wrote.
 */
export const writeScript = `${bitmapLuaFunctions}
local done = redis.call('GET', KEYS[6])
if done then return cjson.decode(done) end
local op = ARGV[1]
local field = ARGV[2]
if ARGV[9] ~= '' and redis.call('HEXISTS', KEYS[7], ARGV[9]) == 0 then return {'nsnotfound'} end
local cur = redis.call('HGET', KEYS[2], field)
local rvKey = '"resourceVersion":"'
local function rvSpan(s)
  local _, j = string.find(s, rvKey, 1, true)
  local k = string.find(s, '"', j + 1, true)
  return j, k
end
if op == 'create' then
  if cur then return {'exists'} end
else
  if not cur then return {'notfound'} end
  if ARGV[4] ~= '' then
    local j, k = rvSpan(cur)
    if string.sub(cur, j + 1, k - 1) ~= ARGV[4] then return {'conflict'} end
  end
end
-- Claims: each candidate bit, or (taken) report where the allocateNext scan would land, undoing
-- the bits this write set so far.
local claimed = {}
for i = 1, tonumber(ARGV[10]) do
  local key = KEYS[7 + i]
  local a = 10 + (i - 1) * 5
  local max, off, cand = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  padBitmap(key, max)
  if redis.call('SETBIT', key, cand, 1) == 0 then
    claimed[#claimed + 1] = {key, cand}
  else
    local p = firstFree(key, off, max, off + tonumber(ARGV[a + 4]))
    if p < 0 then p = firstFree(key, 0, off, tonumber(ARGV[a + 5])) end
    for _, c in ipairs(claimed) do redis.call('SETBIT', c[1], c[2], 0) end
    if p < 0 then return {'full', i - 1} end
    return {'moved', i - 1, p}
  end
end
local rev = redis.call('INCR', KEYS[1])
local obj
if op == 'delete' then
  local j, k = rvSpan(cur)
  obj = string.sub(cur, 1, j) .. rev .. string.sub(cur, k)
  redis.call('HDEL', KEYS[2], field)
  redis.call('ZREM', KEYS[3], field)
else
  local src = ARGV[3]
  local i, j = string.find(src, ${luaString(RvPlaceholderJSON)}, 1, true)
  obj = string.sub(src, 1, i - 1) .. rvKey .. rev .. '"' .. string.sub(src, j + 1)
  redis.call('HSET', KEYS[2], field, obj)
  if op == 'create' then redis.call('ZADD', KEYS[3], 0, field) end
end
local prev = tonumber(redis.call('HGET', KEYS[5], 'last') or '0')
local ev = ARGV[5] .. ',"rev":' .. rev .. ',"prev":' .. prev .. ',"object":' .. obj .. ARGV[6]
redis.call('XADD', KEYS[4], rev .. '-0', 'p', prev, 'e', ev)
redis.call('HSET', KEYS[5], 'last', rev)
local max = tonumber(ARGV[7])
if redis.call('XLEN', KEYS[4]) > max then
  redis.call('XTRIM', KEYS[4], 'MAXLEN', max)
  local first = redis.call('XRANGE', KEYS[4], '-', '+', 'COUNT', 1)
  redis.call('HSET', KEYS[5], 'compacted', first[1][2][2])
end
local res = {'ok', rev, prev}
if op == 'delete' then res[4] = obj end
redis.call('SET', KEYS[6], cjson.encode(res), 'EX', tonumber(ARGV[8]))
return res
`;

/**
 * A consistent page of one resource.
 * KEYS: 1 rev, 2 objects hash, 3 index zset. ARGV: 1 lex min, 2 lex max, 3 count (-1: all).
 * Returns {rev, total in [min,max], {keys}, {object JSONs}}.
 */
export const listScript = `
local rev = tonumber(redis.call('GET', KEYS[1]) or '0')
local total = redis.call('ZLEXCOUNT', KEYS[3], ARGV[1], ARGV[2])
local keys
local n = tonumber(ARGV[3])
if n >= 0 then
  keys = redis.call('ZRANGEBYLEX', KEYS[3], ARGV[1], ARGV[2], 'LIMIT', 0, n)
else
  keys = redis.call('ZRANGEBYLEX', KEYS[3], ARGV[1], ARGV[2])
end
local vals = {}
local chunk = 1000
for i = 1, #keys, chunk do
  local part = redis.call('HMGET', KEYS[2], unpack(keys, i, math.min(i + chunk - 1, #keys)))
  for _, v in ipairs(part) do vals[#vals + 1] = v end
end
return {rev, total, keys, vals}
`;

/**
 * Events of one resource after a revision.
 * KEYS: 1 event stream, 2 meta hash, 3 rev. ARGV: 1 fromRev, 2 count.
 * Returns {'expired', compacted, currentRev} | {'ok', compacted, currentRev, event JSON...}.
 */
export const replayScript = `
local compacted = tonumber(redis.call('HGET', KEYS[2], 'compacted') or '0')
local cur = tonumber(redis.call('GET', KEYS[3]) or '0')
local from = tonumber(ARGV[1])
if from < compacted then return {'expired', compacted, cur} end
local entries = redis.call('XRANGE', KEYS[1], string.format('%d-0', from + 1), '+', 'COUNT', tonumber(ARGV[2]))
local out = {'ok', compacted, cur}
for _, e in ipairs(entries) do out[#out + 1] = e[2][4] end
return out
`;

function luaString(s: string): string {
  // Lua decimal escapes for anything outside printable ASCII, quotes and backslashes.
  let out = "'";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 32 || c > 126 || ch === "'" || ch === '\\' ? `\\${String(c).padStart(3, '0')}` : ch;
  }
  return `${out}'`;
}
