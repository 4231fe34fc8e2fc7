--- Reserve a dead letter for being sent again, unless another request holds it.
--- KEYS: the dead letter.
--- ARGV: now, end of the reservation.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local held = tonumber(redis.call('HGET', KEYS[1], 'reservedUntil'))
if held and held > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'reservedUntil', ARGV[2])
return 1
