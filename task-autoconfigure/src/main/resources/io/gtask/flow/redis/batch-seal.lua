--- Seals a batch: no more members come; ends it if none is left.
--- KEYS[1] the batch's hash; ARGV[1] now (epoch ms), ARGV[2] how long an ended batch is kept (ms).
--- Returns as lib/batch-end.lua; nil if the batch is unknown.
-- #include lib/batch-end.lua
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
if redis.call('HGET', KEYS[1], 'state') == 'RUNNING' then
  redis.call('HSET', KEYS[1], 'sealed', '1')
end
return batch_end(ARGV[1], ARGV[2])
