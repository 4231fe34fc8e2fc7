--- Release the permits of task groups that deliveries held, and wake the idle fetchers of the
--- queue when a group they were released for still holds tasks.
--- KEYS: the wake stream of the queue.
--- ARGV: queue key prefix, then group and delivery identity of each.
local prefix, wake = ARGV[1], false
for i = 2, #ARGV, 2 do
  -- a key of another type stops neither the other releases nor the settlement
  redis.pcall('ZREM', prefix .. 'group-leases:' .. ARGV[i], ARGV[i + 1])
  local waiting = redis.pcall('LLEN', prefix .. 'group:' .. ARGV[i])
  if type(waiting) == 'number' and waiting > 0 then wake = true end
end
if wake then redis.pcall('XADD', KEYS[1], 'MAXLEN', '1', '*', 'w', '1') end
return 1
