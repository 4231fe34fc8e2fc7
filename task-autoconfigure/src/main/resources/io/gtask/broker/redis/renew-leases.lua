--- Extend the concurrency permits that deliveries hold.
--- ARGV: queue key prefix, lease end, then task name and delivery identity of each.
for i = 3, #ARGV, 2 do
  redis.call('ZADD', ARGV[1] .. 'leases:' .. ARGV[i], 'XX', ARGV[2], ARGV[i + 1])
end
return 1
