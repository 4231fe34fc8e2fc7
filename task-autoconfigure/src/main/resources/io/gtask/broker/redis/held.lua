--- The entries that consumers hold now, across the lanes of a queue.
--- KEYS: the lanes. ARGV: group, the most entries returned.
--- Returns a flat list, six values per entry: lane, entry id, consumer, idle milliseconds,
--- deliveries, message ('' if the entry is gone). A lane that is not a stream, or has no group,
--- is passed over.
local max = tonumber(ARGV[2])
local out = {}
local n = 0
for l = 1, #KEYS do
  if n >= max then break end
  if redis.call('TYPE', KEYS[l]).ok == 'stream' then
    local pending = redis.pcall('XPENDING', KEYS[l], ARGV[1], '-', '+', max - n)
    if type(pending) == 'table' and not pending.err then
      for _, p in ipairs(pending) do
        local e = redis.call('XRANGE', KEYS[l], p[1], p[1])
        local m = ''
        if e[1] then
          for j = 1, #e[1][2], 2 do if e[1][2][j] == 'm' then m = e[1][2][j + 1] end end
        end
        out[#out + 1] = l - 1
        out[#out + 1] = p[1]
        out[#out + 1] = p[2]
        out[#out + 1] = p[3]
        out[#out + 1] = p[4]
        out[#out + 1] = m
        n = n + 1
      end
    end
  end
end
return out
