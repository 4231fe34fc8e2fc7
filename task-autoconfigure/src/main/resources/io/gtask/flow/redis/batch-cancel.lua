--- Cancels a batch that runs.
--- KEYS[1] the batch's hash; ARGV[1] now (epoch ms), ARGV[2] how long it is kept (ms).
--- Returns {'REVOKED', the ids of its members that have not ended}, nil if it did not run.
if redis.call('HGET', KEYS[1], 'state') ~= 'RUNNING' then
  return false
end
redis.call('HSET', KEYS[1], 'state', 'REVOKED', 'finished', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local open = {'REVOKED'}
local fields = redis.call('HKEYS', KEYS[1])
for i = 1, #fields do
  local field = fields[i]
  if string.sub(field, 1, 2) == 't:' then
    local id = string.sub(field, 3)
    if redis.call('HEXISTS', KEYS[1], 'r:' .. id) == 0 then
      open[#open + 1] = id
    end
  end
end
return open
