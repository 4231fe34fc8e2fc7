-- Ends a batch that runs, is sealed and has no member left; then tells whether it has ended.
-- Uses KEYS[1] (the batch's hash), now (epoch ms) and ttl (ms).
-- Returns {state, total, succeeded, failed, created, 1 if ended now else 0} once ended, {state}
-- otherwise.
local function batch_end(now, ttl)
  local f = redis.call('HMGET', KEYS[1], 'state', 'sealed', 'total', 'succeeded', 'failed', 'created')
  local now_ended = 0
  local state = f[1]
  local total, succeeded, failed = tonumber(f[3]), tonumber(f[4]), tonumber(f[5])
  if not total or not succeeded or not failed then
    return redis.error_reply('ERR gtask batch state: its counts are missing or not whole numbers')
  end
  if state == 'RUNNING' and f[2] == '1' and succeeded + failed >= total then
    if failed == 0 then state = 'SUCCESS' else state = 'FAILURE' end
    redis.call('HSET', KEYS[1], 'state', state, 'finished', now)
    redis.call('PEXPIRE', KEYS[1], ttl)
    now_ended = 1
  end
  if state == 'SUCCESS' or state == 'FAILURE' then
    return {state, total, succeeded, failed, f[6] or '0', now_ended}
  end
  return {state or false}
end
