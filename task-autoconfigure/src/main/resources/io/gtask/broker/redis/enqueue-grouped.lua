--- Queue a task of a group: into its group's list, the group into the turns of its queue.
--- KEYS: the group's list, the groups, the wake stream, and in durable mode the tracked set.
--- ARGV: queue key prefix, group, the message, '1' to push it to the front of its group, the task id.
-- #include lib/group.lua
pushGrouped(ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1')
if KEYS[4] then redis.call('SADD', KEYS[4], ARGV[5]) end
return 1
