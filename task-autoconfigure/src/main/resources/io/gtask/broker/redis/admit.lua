--- Release limit permits and move waiting tasks into their lanes as far as the limits allow.
--- KEYS: the lanes, lowest first, then the dead set.
--- ARGV: queue key prefix, now, lease end, prefix of dead letters, number of leases to release, then
--- name and delivery identity of each, then name, concurrency, rate, rate period and most to admit
--- of each name whose waiting tasks may be admitted.
--- Returns the number admitted, then a line with the id and reason of each waiting entry set aside
--- as a dead letter.
-- #include lib/split.lua
-- #include lib/bury.lua
local prefix, now, leaseUntil, deadPrefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local releases = tonumber(ARGV[5])
for i = 0, releases - 1 do
  redis.call('ZREM', prefix .. 'leases:' .. ARGV[6 + i * 2], ARGV[7 + i * 2])
end
local total = 0
local buried = {}
for b = 6 + releases * 2, #ARGV, 5 do
  local name, conc, rate, period = ARGV[b], tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local waitKey = prefix .. 'waiting:' .. name
  local n = math.min(redis.call('LLEN', waitKey), tonumber(ARGV[b + 4]))
  local leaseKey = prefix .. 'leases:' .. name
  local rateKey = prefix .. 'rate:' .. name
  if n > 0 and conc > 0 then
    redis.call('ZREMRANGEBYSCORE', leaseKey, '-inf', now)
    n = math.min(n, conc - redis.call('ZCARD', leaseKey))
  end
  if n > 0 and rate > 0 then
    redis.call('ZREMRANGEBYSCORE', rateKey, '-inf', now - period)
    n = math.min(n, rate - redis.call('ZCARD', rateKey))
  end
  local admitted = 0
  while admitted < n do
    local member = redis.call('LPOP', waitKey)
    if not member then break end
    local lane, body = split(member)
    local d, message = uncount(body)
    local id
    -- field 'a' names the limit whose permit the entry holds, so that it is released
    -- whatever the message turns out to be
    if d > 0 then id = redis.pcall('XADD', KEYS[lane + 1], '*', 'm', message, 'a', name, 'd', d)
    else id = redis.pcall('XADD', KEYS[lane + 1], '*', 'm', message, 'a', name) end
    if type(id) == 'table' and id.err then
      -- a lane key of another type: the entry is set aside, the others go on
      local deadId = 'waiting-' .. now .. '-' .. #buried .. '-' .. string.sub(redis.sha1hex(member), 1, 12)
      local reason = "Could not move waiting entry of '" .. name .. "' into lane " .. lane .. ' (' .. KEYS[lane + 1] .. '): ' .. id.err
      if bury(KEYS[12], deadPrefix, deadId, now, member, message, reason) then
        table.insert(buried, deadId .. ' ' .. reason)
      else
        -- not even the dead letters can take it: it stays first in its list
        redis.call('LPUSH', waitKey, member)
        break
      end
    else
      local leaseMember = lane .. '-' .. id
      if conc > 0 then redis.call('ZADD', leaseKey, leaseUntil, leaseMember) end
      if rate > 0 then redis.call('ZADD', rateKey, now, leaseMember) end
      admitted = admitted + 1
    end
  end
  if admitted > 0 then
    if conc > 0 then redis.call('PEXPIRE', leaseKey, 2 * (leaseUntil - now) + 1000) end
    if rate > 0 then redis.call('PEXPIRE', rateKey, period + 1000) end
  end
  if redis.call('LLEN', waitKey) == 0 then redis.pcall('SREM', prefix .. 'limited', name) end
  total = total + admitted
end
table.insert(buried, 1, tostring(total))
return table.concat(buried, '\n')
