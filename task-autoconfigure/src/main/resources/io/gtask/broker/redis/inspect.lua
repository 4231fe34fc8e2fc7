--- Count what a queue holds.
--- KEYS: the lanes lowest first, the delayed set, the dead set, the pause flag, the consumer set and
--- the set of limited names.
--- ARGV: group, now, queue key prefix.
--- Returns pending, in flight, delayed and dead counts, the pause flag, the number waiting for
--- limits, name, held deliveries and heartbeat end of each consumer, the number of groups holding
--- tasks and the number of tasks they hold (of the first 1000 groups in turn).
local pending, inflight = 0, 0
local perConsumer = {}
for l = 1, 11 do
  local key = KEYS[l]
  if redis.call('EXISTS', key) == 1 then
    local len = redis.call('XLEN', key)
    local held = 0
    local summary = redis.pcall('XPENDING', key, ARGV[1])
    if type(summary) == 'table' and not summary.err then
      held = summary[1]
      if type(summary[4]) == 'table' then
        for _, c in ipairs(summary[4]) do perConsumer[c[1]] = (perConsumer[c[1]] or 0) + tonumber(c[2]) end
      end
    end
    inflight = inflight + held
    pending = pending + len - held
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[15], '-inf', ARGV[2])
local consumers = redis.call('ZRANGE', KEYS[15], 0, -1, 'WITHSCORES')
local list = {}
for i = 1, #consumers, 2 do
  table.insert(list, consumers[i])
  table.insert(list, perConsumer[consumers[i]] or 0)
  table.insert(list, consumers[i + 1])
end
local waiting = 0
local names = redis.pcall('SMEMBERS', KEYS[16])
if type(names) == 'table' and not names.err then
  for _, name in ipairs(names) do
    local n = redis.pcall('LLEN', ARGV[3] .. 'waiting:' .. name)
    if type(n) == 'number' then waiting = waiting + n end
  end
end
local groups, grouped = 0, 0
local count = redis.pcall('ZCARD', ARGV[3] .. 'groups')
if type(count) == 'number' then
  groups = count
  for _, g in ipairs(redis.call('ZRANGE', ARGV[3] .. 'groups', 0, 999)) do
    local n = redis.pcall('LLEN', ARGV[3] .. 'group:' .. g)
    if type(n) == 'number' then grouped = grouped + n end
  end
end
return {pending, inflight, redis.call('ZCARD', KEYS[12]), redis.call('ZCARD', KEYS[13]),
  redis.call('EXISTS', KEYS[14]), waiting, list, groups, grouped}
