--- Take or renew the lock for its owner, unless another owner holds it.
--- KEYS: the lock.
--- ARGV: owner, time to live.
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
