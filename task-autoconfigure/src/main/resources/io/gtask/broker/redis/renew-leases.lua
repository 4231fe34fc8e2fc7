--- Extend the concurrency permits that deliveries hold.
--- ARGV: queue key prefix, lease end, then the key of the permits ('leases:<name>' of a task name,
--- 'group-leases:<group>' of a task group) and delivery identity of each.
for i = 3, #ARGV, 2 do
  redis.pcall('ZADD', ARGV[1] .. ARGV[i], 'XX', ARGV[2], ARGV[i + 1])
end
return 1
