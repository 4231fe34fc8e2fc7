--- Take a uniqueness key and queue a task, or answer with the id of the task holding the key.
--- KEYS: the uniqueness key, the lane, delayed set or group list, and in durable mode the tracked set.
--- ARGV: task id, time to live of the uniqueness key, 'z' for the delayed set, 's' for the lane or
--- 'g' for the group list, the message, the due time, then for a group: queue key prefix, group,
--- '1' to push it to the front of its group.
-- #include lib/group.lua
if ARGV[3] == 'g' then
  -- keys of another type refuse before the uniqueness key is taken
  for _, pair in ipairs({{ARGV[6] .. 'groups', 'zset'}, {KEYS[2], 'list'}}) do
    local t = redis.call('TYPE', pair[1])['ok']
    if t ~= 'none' and t ~= pair[2] then
      return redis.error_reply('WRONGTYPE ' .. pair[1] .. ' holds a ' .. t .. ', not a ' .. pair[2])
    end
  end
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('GET', KEYS[1])
end
if ARGV[3] == 'z' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
elseif ARGV[3] == 'g' then
  pushGrouped(ARGV[6], ARGV[7], ARGV[4], ARGV[8] == '1')
else
  redis.call('XADD', KEYS[2], '*', 'm', ARGV[4])
end
if KEYS[3] then redis.call('SADD', KEYS[3], ARGV[1]) end
return false
