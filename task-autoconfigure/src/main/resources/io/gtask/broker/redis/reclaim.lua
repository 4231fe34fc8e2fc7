--- Put back into their lanes entries left pending too long, counting their deliveries, and remove
--- consumers that hold nothing and were idle long.
--- KEYS: the lanes.
--- ARGV: group, minimum idle time, most entries to put back, idle time after which a consumer
--- holding nothing is removed from the group.
local moved, max = 0, tonumber(ARGV[3])
for l = 1, #KEYS do
  local key = KEYS[l]
  if redis.call('EXISTS', key) == 1 then
    if moved < max then
      local pending = redis.pcall('XPENDING', key, ARGV[1], 'IDLE', tonumber(ARGV[2]), '-', '+', max - moved)
      if type(pending) == 'table' and not pending.err then
        for _, entry in ipairs(pending) do
          local found = redis.call('XRANGE', key, entry[1], entry[1])
          if found[1] then
            local add = {key, '*'}
            local d = entry[4]
            local f = found[1][2]
            for j = 1, #f, 2 do
              if f[j] == 'd' then d = d + (tonumber(f[j + 1]) or 0)
              elseif f[j] ~= 'a' then
                table.insert(add, f[j])
                table.insert(add, f[j + 1])
              end
            end
            table.insert(add, 'd')
            table.insert(add, d)
            redis.call('XADD', unpack(add))
            moved = moved + 1
          end
          redis.call('XACK', key, ARGV[1], entry[1])
          redis.call('XDEL', key, entry[1])
        end
      end
    end
    local consumers = redis.pcall('XINFO', 'CONSUMERS', key, ARGV[1])
    if type(consumers) == 'table' and not consumers.err then
      for _, c in ipairs(consumers) do
        local name, held, idle
        for j = 1, #c, 2 do
          if c[j] == 'name' then name = c[j + 1] elseif c[j] == 'pending' then held = c[j + 1] elseif c[j] == 'idle' then idle = c[j + 1] end
        end
        if name and held == 0 and idle and idle > tonumber(ARGV[4]) then
          redis.call('XGROUP', 'DELCONSUMER', key, ARGV[1], name)
        end
      end
    end
  end
end
return moved
