// Lua shared by the scripts that allocate from a Redis bitmap (bit i = offset i): the allocator's
// allocateNext script and the storage write script that claims an address with the object.

/**
 * padBitmap(key, max): the string covers every offset below max (BITPOS only scans bytes that
 * exist; missing bits read 0). firstFree(key, lo, hi, start): the first 0 bit in [start, hi),
 * then in [lo, start), or -1 — upstream's allocateNext scan of one band from a random start.
 */
export const bitmapLuaFunctions = `
local function padBitmap(key, max)
  if redis.call('STRLEN', key) < math.floor((max - 1) / 8) + 1 then redis.call('SETBIT', key, max - 1, 0) end
end
local function firstFree(key, lo, hi, start)
  if hi <= lo then return -1 end
  local p = redis.call('BITPOS', key, 0, start, hi - 1, 'BIT')
  if p >= 0 then return p end
  if start > lo then p = redis.call('BITPOS', key, 0, lo, start - 1, 'BIT') end
  return p
end
`;
