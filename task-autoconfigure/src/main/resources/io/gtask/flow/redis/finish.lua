--- Ends a flow that still runs and keeps its state for a time from now.
--- KEYS[1] the flow's hash; ARGV[1] the final state, ARGV[2] the outcome of the root, ARGV[3]
--- when it ended (epoch ms), ARGV[4] how long its state is kept (ms).
--- Returns {name, queue, 1, created} of the flow's record if this call ended it, {name, queue, 0,
--- created} if the flow had ended in the same state before (a repeat), nil otherwise.
local state = redis.call('HGET', KEYS[1], 'state')
local changed = 0
if state == 'RUNNING' then
  redis.call('HSET', KEYS[1], 'state', ARGV[1], 'outcome', ARGV[2], 'finished', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  changed = 1
elseif state ~= ARGV[1] then
  return false
end
local meta = redis.call('HMGET', KEYS[1], 'name', 'queue', 'created')
return {meta[1] or '', meta[2] or '', changed, meta[3] or '0'}
