--- Fetch a batch across the lanes of a queue, highest first, applying pause, revoke and limits.
--- KEYS: the lanes, highest first, then the pause flag, the revoked set and the dead set.
--- ARGV: group, consumer, count, now, lease end, queue key prefix, prefix of dead letters, number of
--- limits, then name, concurrency, rate and rate period of each, then the concurrency, rate and
--- rate period of each task group.
--- When the lanes leave slots free, tasks of groups are admitted into lane 0 in turns (lib/group.lua),
--- one task of a group per turn, as far as the limits of each group allow, and read at once.
--- Returns {1} when paused, else {0, entries, last, broken}: six values per entry (lane, id,
--- message, delivery count, limited name, group); when there is no entry, the last delivered id of
--- each lane ('' for a lane whose key holds another type) and the last id of the wake stream, or
--- nothing when tasks of a group wait for its rate or groups were left unvisited; and the key and type of each key found holding
--- a type other than its own, which is skipped so that the rest of the queue goes on.
-- #include lib/split.lua
-- #include lib/last-delivered.lua
-- #include lib/bury.lua
-- #include lib/group.lua
local group, consumer, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
local now, leaseUntil, prefix, deadPrefix = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
local nlanes = #KEYS - 3
if redis.call('EXISTS', KEYS[nlanes + 1]) == 1 then return {1} end
local deadKey = KEYS[nlanes + 3]
local broken = {}
local function typeOf(key)
  return redis.call('TYPE', key)['ok']
end
local function wrong(key, expected)
  local t = typeOf(key)
  if t ~= 'none' and t ~= expected then
    table.insert(broken, key)
    table.insert(broken, t)
    return t
  end
  return nil
end
local limits = {}
local nlimits = tonumber(ARGV[8])
for i = 0, nlimits - 1 do
  local b = 9 + i * 4
  limits[ARGV[b]] = {tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])}
end
local gb = 9 + nlimits * 4
local groupConc, groupRate, groupPeriod = tonumber(ARGV[gb]) or 0, tonumber(ARGV[gb + 1]) or 0, tonumber(ARGV[gb + 2]) or 0
local groupsKey, wakeKey = prefix .. 'groups', prefix .. 'groups:wake'
local revokedKey = KEYS[nlanes + 2]
local revoked = false
local revokedCount = redis.pcall('ZCARD', revokedKey)
if type(revokedCount) == 'number' then revoked = revokedCount > 0 else wrong(revokedKey, 'zset') end
local inspect = revoked or nlimits > 0
local function admit(name, member, lane, m, d, admitted)
  local conc, rate, period = limits[name][1], limits[name][2], limits[name][3]
  local leaseKey = prefix .. 'leases:' .. name
  if (conc > 0 or rate > 0) and not (admitted and (conc == 0 or redis.call('ZSCORE', leaseKey, member))) then
    local waitKey = prefix .. 'waiting:' .. name
    local rateKey = prefix .. 'rate:' .. name
    local free = redis.call('LLEN', waitKey) == 0
    if free and conc > 0 then
      redis.call('ZREMRANGEBYSCORE', leaseKey, '-inf', now)
      free = redis.call('ZCARD', leaseKey) < conc
    end
    if free and rate > 0 then
      redis.call('ZREMRANGEBYSCORE', rateKey, '-inf', now - period)
      free = redis.call('ZCARD', rateKey) < rate
    end
    if free then
      if rate > 0 then
        redis.call('ZADD', rateKey, now, member)
        redis.call('PEXPIRE', rateKey, period + 1000)
      end
    else
      redis.call('RPUSH', waitKey, tag(lane, counted(d, m)))
      -- the set of limited names is an index for inspection: one of another type stops nothing
      redis.pcall('SADD', prefix .. 'limited', name)
      return false
    end
  end
  if conc > 0 then
    redis.call('ZADD', leaseKey, leaseUntil, member)
    redis.call('PEXPIRE', leaseKey, 2 * (leaseUntil - now) + 1000)
  end
  return true
end
local out = {}
local taken = 0
local laneOk = {}
local leased = {}
local function groupLease(g)
  return prefix .. 'group-leases:' .. g
end
local function readLane(l, n)
  local key = KEYS[l]
  local lane = nlanes - l
  local laneType = typeOf(key)
  if laneType ~= 'stream' and laneType ~= 'none' then
    table.insert(broken, key)
    table.insert(broken, laneType)
  elseif laneType == 'stream' then
    laneOk[l] = true
    local res = redis.pcall('XREADGROUP', 'GROUP', group, consumer, 'COUNT', n, 'STREAMS', key, '>')
    if type(res) == 'table' and res.err then
      redis.call('XGROUP', 'CREATE', key, group, '0')
      res = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', n, 'STREAMS', key, '>')
    end
    if res then
      for _, e in ipairs(res[1][2]) do
        local id, f = e[1], e[2]
        local member = lane .. '-' .. id
        local m, d, admitted, admittedBy, g = '', 0, false, nil, ''
        for j = 1, #f, 2 do
          if f[j] == 'm' then m = f[j + 1]
          elseif f[j] == 'd' then d = tonumber(f[j + 1]) or 0
          elseif f[j] == 'a' then admitted = true admittedBy = f[j + 1]
          elseif f[j] == 'g' then g = f[j + 1] end
        end
        local keep, name = true, ''
        if inspect then
          local ok, msg = pcall(cjson.decode, m)
          if ok and type(msg) == 'table' and g == '' and type(msg.group) == 'string' then
            -- admitted again after waiting for the limits of its name, which keeps no field
            g = msg.group
          end
          if ok and type(msg) == 'table' then
            if revoked and type(msg.id) == 'string' and redis.call('ZSCORE', revokedKey, msg.id) then
              redis.call('ZREM', revokedKey, msg.id)
              redis.pcall('SREM', prefix .. 'tracked', msg.id)
              if type(msg.unique) == 'string' and redis.pcall('GET', prefix .. 'unique:' .. msg.unique) == msg.id then
                redis.call('DEL', prefix .. 'unique:' .. msg.unique)
              end
              keep = false
            elseif type(msg.name) == 'string' and limits[msg.name] then
              name = msg.name
              local admittedOk, admittedNow = pcall(admit, name, member, lane, m, d, admitted)
              if admittedOk then
                keep = admittedNow
              else
                -- a key of the name's limits holds another type: never run the task without its limit
                local found = {}
                for _, pair in ipairs({{prefix .. 'waiting:' .. name, 'list'}, {prefix .. 'leases:' .. name, 'zset'},
                    {prefix .. 'rate:' .. name, 'zset'}}) do
                  local t = wrong(pair[1], pair[2])
                  if t then table.insert(found, "key '" .. pair[1] .. "' holds a " .. t .. ', not a ' .. pair[2]) end
                end
                local why = (#found > 0) and table.concat(found, '; ') or tostring(admittedNow)
                if bury(deadKey, deadPrefix, member, now, m, m, 'The limits of task ' .. "'" .. name
                  .. "' could not be applied: " .. why) then
                  keep = false
                else
                  -- left pending, to be taken over after the visibility timeout
                  keep = nil
                end
              end
            end
          end
        end
        if keep and name == '' and admittedBy and limits[admittedBy] then
          -- admitted under a permit of that name but not (or no longer) a task of it
          name = admittedBy
        end
        if g ~= '' and groupConc > 0 then
          if keep then
            -- a permit of its group, unless it was taken when the task was admitted just now
            if not leased[member] then pcall(redis.call, 'ZADD', groupLease(g), leaseUntil, member) end
          else
            pcall(redis.call, 'ZREM', groupLease(g), member)
          end
        end
        if keep == nil then
          -- neither run nor acknowledged
        elseif keep then
          taken = taken + 1
          table.insert(out, lane)
          table.insert(out, id)
          table.insert(out, m)
          table.insert(out, d + 1)
          table.insert(out, name)
          table.insert(out, g)
        else
          redis.call('XACK', key, group, id)
          redis.call('XDEL', key, id)
        end
      end
    end
  end
end
for l = 1, nlanes do
  if taken >= count then break end
  readLane(l, count - taken)
end
-- tasks of groups, in turns, for the slots the lanes left free
local groupsWait = false
local function admitGroups(n)
  local laneKey = KEYS[nlanes]
  local rotation = redis.pcall('ZCARD', groupsKey)
  if type(rotation) ~= 'number' then
    wrong(groupsKey, 'zset')
    return 0
  end
  if rotation == 0 then return 0 end
  local top = redis.call('ZRANGE', groupsKey, -1, -1, 'WITHSCORES')
  -- the next turn: past the last group's, kept finite whatever scores the set holds
  local turn = math.min(tonumber(top[2]) or 0, 1e15)
  if turn ~= turn then turn = 1e15 end
  local admitted, visited = 0, 0
  -- at most 100 groups looked at beyond those admitted, so that many blocked groups cost a bounded fetch
  while admitted < n and visited < rotation and visited < n + 100 do
    local batch = redis.call('ZRANGE', groupsKey, 0, math.min(n - admitted, rotation - visited) - 1)
    if #batch == 0 then break end
    local turns, done = {}, {}
    for _, g in ipairs(batch) do
      visited = visited + 1
      local listKey = prefix .. 'group:' .. g
      local leaseKey, rateKey = groupLease(g), prefix .. 'group-rate:' .. g
      local free, byRate = true, false
      if groupConc > 0 or groupRate > 0 then
        local ok = pcall(function()
          if groupConc > 0 then
            redis.call('ZREMRANGEBYSCORE', leaseKey, '-inf', now)
            free = redis.call('ZCARD', leaseKey) < groupConc
          end
          if free and groupRate > 0 then
            redis.call('ZREMRANGEBYSCORE', rateKey, '-inf', now - groupPeriod)
            free = redis.call('ZCARD', rateKey) < groupRate
            byRate = not free
          end
        end)
        if not ok then
          -- a key of the group's limits holds another type: its tasks wait, never run without their limit
          wrong(leaseKey, 'zset')
          wrong(rateKey, 'zset')
          free = false
        end
      end
      local popped = nil
      if free then
        popped = redis.pcall('LPOP', listKey)
        if type(popped) == 'table' and popped.err then
          -- a list of another type holds no task: the group leaves the turns
          wrong(listKey, 'list')
          popped = nil
        end
        if not popped then table.insert(done, g) end
      elseif byRate then
        groupsWait = true
      end
      if popped then
        local d, body = uncount(popped)
        local id
        if d > 0 then id = redis.call('XADD', laneKey, '*', 'm', body, 'g', g, 'd', d)
        else id = redis.call('XADD', laneKey, '*', 'm', body, 'g', g) end
        local member = '0-' .. id
        if groupConc > 0 then
          redis.call('ZADD', leaseKey, leaseUntil, member)
          redis.call('PEXPIRE', leaseKey, 2 * (leaseUntil - now) + 1000)
          leased[member] = true
        end
        if groupRate > 0 then
          redis.call('ZADD', rateKey, now, member)
          redis.call('PEXPIRE', rateKey, groupPeriod + 1000)
        end
        admitted = admitted + 1
      end
      if free == false or popped then
        -- served or passed over: its next turn comes after all the others'
        turn = turn + 1
        table.insert(turns, turn)
        table.insert(turns, g)
      end
    end
    if #turns > 0 then redis.call('ZADD', groupsKey, unpack(turns)) end
    if #done > 0 then
      redis.call('ZREM', groupsKey, unpack(done))
      rotation = rotation - #done
      visited = visited - #done
    end
  end
  if admitted < n and visited < rotation then
    -- groups left unvisited may hold tasks: look again soon rather than wait for a wake
    groupsWait = true
  end
  return admitted
end
if taken < count and (laneOk[nlanes] or typeOf(KEYS[nlanes]) == 'none') then
  local admitted = admitGroups(count - taken)
  if admitted > 0 then readLane(nlanes, admitted) end
end
local last = {}
if taken == 0 and not groupsWait then
  for l = 1, nlanes do
    local t = typeOf(KEYS[l])
    if t == 'stream' then
      table.insert(last, lastDelivered(KEYS[l], group))
    elseif t == 'none' then
      table.insert(last, '0-0')
    else
      table.insert(last, '')
    end
  end
  local wake = redis.pcall('XREVRANGE', wakeKey, '+', '-', 'COUNT', 1)
  if type(wake) == 'table' and wake.err then
    table.insert(last, '')
  else
    table.insert(last, (wake[1] and wake[1][1]) or '0-0')
  end
end
return {0, out, last, broken}
