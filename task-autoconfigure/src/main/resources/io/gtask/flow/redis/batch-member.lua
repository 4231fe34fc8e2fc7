--- Counts a member of a batch as ended, once, and ends the batch if it was the last.
--- KEYS[1] the batch's hash; ARGV[1] the member's task id, ARGV[2] S or F, ARGV[3] now (epoch
--- ms), ARGV[4] how long an ended batch is kept (ms).
--- Returns as lib/batch-end.lua; nil if the batch is unknown or the task is not a member.
-- #include lib/batch-end.lua
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 't:' .. ARGV[1]) == 0 then
  return false
end
if redis.call('HSETNX', KEYS[1], 'r:' .. ARGV[1], ARGV[2]) == 1 then
  if ARGV[2] == 'S' then
    redis.call('HINCRBY', KEYS[1], 'succeeded', 1)
  else
    redis.call('HINCRBY', KEYS[1], 'failed', 1)
  end
end
return batch_end(ARGV[3], ARGV[4])
