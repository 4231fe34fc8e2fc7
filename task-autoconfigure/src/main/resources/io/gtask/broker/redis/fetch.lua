--- Fetch a batch across the lanes of a queue, highest first, applying pause, revoke and limits.
--- KEYS: the lanes, highest first, then the pause flag, the revoked set and the dead set.
--- ARGV: group, consumer, count, now, lease end, queue key prefix, prefix of dead letters, number of
--- limits, then name, concurrency, rate and rate period of each.
--- Returns {1} when paused, else {0, entries, last, broken}: five values per entry (lane, id,
--- message, delivery count, limited name); when there is no entry, the last delivered id of each
--- lane ('' for a lane whose key holds another type); and the key and type of each key found holding
--- a type other than its own, which is skipped so that the rest of the queue goes on.
-- #include lib/split.lua
-- #include lib/last-delivered.lua
-- #include lib/bury.lua
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
for l = 1, nlanes do
  if taken >= count then break end
  local key = KEYS[l]
  local lane = nlanes - l
  local laneType = typeOf(key)
  if laneType ~= 'stream' and laneType ~= 'none' then
    table.insert(broken, key)
    table.insert(broken, laneType)
  elseif laneType == 'stream' then
    local res = redis.pcall('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count - taken, 'STREAMS', key, '>')
    if type(res) == 'table' and res.err then
      redis.call('XGROUP', 'CREATE', key, group, '0')
      res = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count - taken, 'STREAMS', key, '>')
    end
    if res then
      for _, e in ipairs(res[1][2]) do
        local id, f = e[1], e[2]
        local member = lane .. '-' .. id
        local m, d, admitted, admittedBy = '', 0, false, nil
        for j = 1, #f, 2 do
          if f[j] == 'm' then m = f[j + 1]
          elseif f[j] == 'd' then d = tonumber(f[j + 1]) or 0
          elseif f[j] == 'a' then admitted = true admittedBy = f[j + 1] end
        end
        local keep, name = true, ''
        if inspect then
          local ok, msg = pcall(cjson.decode, m)
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
        if keep == nil then
          -- neither run nor acknowledged
        elseif keep then
          taken = taken + 1
          table.insert(out, lane)
          table.insert(out, id)
          table.insert(out, m)
          table.insert(out, d + 1)
          table.insert(out, name)
        else
          redis.call('XACK', key, group, id)
          redis.call('XDEL', key, id)
        end
      end
    end
  end
end
local last = {}
if taken == 0 then
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
end
return {0, out, last, broken}
