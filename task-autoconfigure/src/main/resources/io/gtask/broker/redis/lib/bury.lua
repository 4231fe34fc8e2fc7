--- Setting aside a member of the delayed set or of a waiting list that cannot be moved into its
--- lane, as a dead letter holding the member's raw text.
local function bury(deadKey, deadPrefix, id, now, member, body, reason)
  -- a dead set or letter of another type cannot take it: the caller keeps the entry
  for _, pair in ipairs({{deadKey, 'zset'}, {deadPrefix .. id, 'hash'}}) do
    local t = redis.call('TYPE', pair[1])['ok']
    if t ~= 'none' and t ~= pair[2] then return false end
  end
  local fields = {'reason', reason, 'payload', member, 'deadAt', now, 'attempts', '0', 'deliveries', '0'}
  local ok, msg = pcall(cjson.decode, body)
  if ok and type(msg) == 'table' then
    local queuePrefix = string.sub(deadPrefix, 1, #deadPrefix - 5)
    if type(msg.id) == 'string' then
      table.insert(fields, 'taskId') table.insert(fields, msg.id)
      -- no longer held by Redis: in durable mode the reaper takes it from here
      redis.pcall('SREM', queuePrefix .. 'tracked', msg.id)
      if type(msg.unique) == 'string' and redis.pcall('GET', queuePrefix .. 'unique:' .. msg.unique) == msg.id then
        redis.call('DEL', queuePrefix .. 'unique:' .. msg.unique)
      end
    end
    if type(msg.name) == 'string' then table.insert(fields, 'name') table.insert(fields, msg.name) end
  end
  redis.call('DEL', deadPrefix .. id)
  redis.call('HSET', deadPrefix .. id, unpack(fields))
  redis.call('ZADD', deadKey, now, id)
  return true
end
