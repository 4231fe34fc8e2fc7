--- KEYS: the task. ARGV: time to live, finished (1 or 0), id, max events, events, number of
--- fields to delete, the fields to delete, then field and value pairs.
-- #include lib/history.lua
local max = tonumber(ARGV[4])
local history
if max > 0 then history = materialize(KEYS[1]) end
local deleted = tonumber(ARGV[6])
redis.call('HSET', KEYS[1], unpack(ARGV, 7 + deleted))
if deleted > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, 7, 6 + deleted)) end
if max > 0 then record(KEYS[1], history, ARGV[5], max) end
if ARGV[2] == '1' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) else redis.call('PERSIST', KEYS[1]) end
if ARGV[2] == '1' then
  local waiters = redis.call('HGET', KEYS[1], 'waiters')
  if waiters then
    local state = cjson.encode({ARGV[3], redis.call('HGETALL', KEYS[1])})
    for channel in string.gmatch(waiters, '%S+') do redis.call('PUBLISH', channel, state) end
  end
end
return 1
