--- The pending entry that consumers will fetch first or last.
--- KEYS: the lanes, lowest first.
--- ARGV: group, '1' for the first pending entry or '0' for the last.
--- Returns lane, entry id and message, or nothing.
-- #include lib/last-delivered.lua
local first = ARGV[2] == '1'
local from, to, step = 1, #KEYS, 1
if first then from, to, step = #KEYS, 1, -1 end
for l = from, to, step do
  if redis.call('EXISTS', KEYS[l]) == 1 then
    local after = '(' .. lastDelivered(KEYS[l], ARGV[1])
    local e
    if first then e = redis.call('XRANGE', KEYS[l], after, '+', 'COUNT', 1)
    else e = redis.call('XREVRANGE', KEYS[l], '+', after, 'COUNT', 1) end
    if e[1] then
      local m = ''
      for j = 1, #e[1][2], 2 do if e[1][2][j] == 'm' then m = e[1][2][j + 1] end end
      return {l - 1, e[1][1], m}
    end
  end
end
return {}
