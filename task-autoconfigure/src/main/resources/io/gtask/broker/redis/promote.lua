--- Move due members of the delayed set into their lanes, or those of a group into its list.
--- KEYS: the delayed set, then the lanes, lowest first, then the dead set.
--- ARGV: now, most to move, latest due time that can be reached, prefix of dead letters.
--- Returns the number moved, the next due time or an empty string, then the id and reason of each
--- member set aside as a dead letter: those that cannot be moved into their lane, and those never
--- due.
-- #include lib/split.lua
-- #include lib/bury.lua
-- #include lib/group.lua
local now, limit, deadPrefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[4]
local deadKey = KEYS[#KEYS]
local prefix = string.sub(KEYS[1], 1, #KEYS[1] - #'delayed')
local moved, out = 0, {}
local function setAside(member, body, reason)
  local id = 'delayed-' .. redis.sha1hex(member)
  if not bury(deadKey, deadPrefix, id, now, member, body, reason) then return false end
  table.insert(out, id)
  table.insert(out, reason)
  return true
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit)) do
  local group, grouped = groupOf(member)
  local lane, body = split(grouped)
  local added
  if group then
    body = grouped
    local pushed, problem = pcall(pushGrouped, prefix, group, body, false)
    if pushed then added = 1 else added = {err = tostring(problem)} end
  else
    added = redis.pcall('XADD', KEYS[lane + 2], '*', 'm', body)
  end
  if type(added) == 'table' and added.err and group then
    if setAside(member, body, "Could not move delayed entry into group '" .. group .. "': " .. added.err) then
      redis.call('ZREM', KEYS[1], member)
    end
  elseif type(added) == 'table' and added.err then
    -- kept where it is when not even the dead letters can take it
    if setAside(member, body, 'Could not move delayed entry into lane ' .. lane .. ' (' .. KEYS[lane + 2] .. '): ' .. added.err) then
      redis.call('ZREM', KEYS[1], member)
    end
  else
    moved = moved + 1
    redis.call('ZREM', KEYS[1], member)
  end
end
local never = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[3], '+inf', 'WITHSCORES', 'LIMIT', 0, limit)
for i = 1, #never, 2 do
  local _, grouped = groupOf(never[i])
  local lane, body = split(grouped)
  if setAside(never[i], body, 'Delayed entry is never due: its due time is ' .. never[i + 1]) then
    redis.call('ZREM', KEYS[1], never[i])
  end
end
local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local result = {moved, next[2] or ''}
for _, value in ipairs(out) do table.insert(result, value) end
return result
