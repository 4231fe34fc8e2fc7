--- Grouped tasks wait in a list per group of their queue ('group:<group>'); the groups holding
--- tasks are members of a sorted set ('groups') served lowest score first, a served group's score
--- raised past all others, so that groups take turns. A push also adds to the queue's wake
--- stream ('groups:wake'), which idle fetchers block on, when the group had no task.
--- Members of a group list are messages with their count of earlier deliveries (lib/split.lua).
local function pushGrouped(prefix, group, member, front)
  -- the turns first: a key of another type refuses before anything is written, and a group
  -- without a list that the turns hold is dropped from them by the next fetch
  redis.call('ZADD', prefix .. 'groups', 'NX', 0, group)
  local length
  if front then length = redis.call('LPUSH', prefix .. 'group:' .. group, member)
  else length = redis.call('RPUSH', prefix .. 'group:' .. group, member) end
  if length == 1 then
    -- the group had no task: idle fetchers may be blocked, waiting for one
    redis.pcall('XADD', prefix .. 'groups:wake', 'MAXLEN', '1', '*', 'w', '1')
  end
end
-- the group a member of the delayed set belongs to: 'g<length>:<group>|' before the message
local function groupOf(member)
  if string.byte(member, 1) == 103 then
    local len, rest = string.match(member, '^g(%d+):(.*)$')
    len = tonumber(len)
    if len and len > 0 and #rest > len and string.sub(rest, len + 1, len + 1) == '|' then
      return string.sub(rest, 1, len), string.sub(rest, len + 2)
    end
  end
  return nil, member
end
