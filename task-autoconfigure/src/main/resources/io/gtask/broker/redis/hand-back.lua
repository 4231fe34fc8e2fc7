--- Add pending entries again at the end of their lane, to be fetched by any consumer.
--- KEYS: the lane.
--- ARGV: group, then the entry ids.
local moved = 0
for i = 2, #ARGV do
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
    local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
    if entry[1] then
      redis.call('XADD', KEYS[1], '*', unpack(entry[1][2]))
      moved = moved + 1
    end
    redis.call('XDEL', KEYS[1], ARGV[i])
  end
end
return moved
