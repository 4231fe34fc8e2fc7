--- KEYS: the task. ARGV: time to live, id, revoked at, error type, error message, max events.
-- #include lib/history.lua
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'PENDING' and status ~= 'RETRY' then return 0 end
local max = tonumber(ARGV[6])
local history
if max > 0 then history = materialize(KEYS[1]) end
redis.call('HSET', KEYS[1], 'status', 'REVOKED', 'finishedAt', ARGV[3], 'errorType', ARGV[4], 'errorMessage', ARGV[5])
redis.call('HDEL', KEYS[1], 'nextAttemptAt')
if max > 0 then
  local attempts = redis.call('HGET', KEYS[1], 'attempts') or '0'
  record(KEYS[1], history, head('REVOKED', ARGV[3], attempts) .. ',"errorType":' .. cjson.encode(ARGV[4])
    .. ',"errorMessage":' .. cjson.encode(ARGV[5]) .. '}\n', max)
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local waiters = redis.call('HGET', KEYS[1], 'waiters')
if waiters then
  local state = cjson.encode({ARGV[2], redis.call('HGETALL', KEYS[1])})
  for channel in string.gmatch(waiters, '%S+') do redis.call('PUBLISH', channel, state) end
end
return 1
