--- Adds members to a batch that runs.
--- KEYS[1] the batch's hash; ARGV the members' task ids.
--- Returns the batch's total, nil if it is unknown or no longer runs.
if redis.call('HGET', KEYS[1], 'state') ~= 'RUNNING' then
  return false
end
local added = 0
for i = 1, #ARGV do
  added = added + redis.call('HSETNX', KEYS[1], 't:' .. ARGV[i], '1')
end
return redis.call('HINCRBY', KEYS[1], 'total', added)
