--- Acknowledge and delete entries. A task revoked while it ran is done with: its id leaves the
--- revoked set, which would otherwise drop a later message with the same id.
--- KEYS: the lane, the revoked set.
--- ARGV: group, then the entry ids.
-- a revoked set of another type must not stop acknowledgements
local revoked = redis.pcall('ZCARD', KEYS[2])
if type(revoked) == 'number' and revoked > 0 then
  for i = 2, #ARGV do
    local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
    if entry[1] and redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
      local f = entry[1][2]
      for j = 1, #f, 2 do
        if f[j] == 'm' then
          local ok, msg = pcall(cjson.decode, f[j + 1])
          if ok and type(msg) == 'table' and type(msg.id) == 'string' then redis.call('ZREM', KEYS[2], msg.id) end
        end
      end
    end
  end
end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
return redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
