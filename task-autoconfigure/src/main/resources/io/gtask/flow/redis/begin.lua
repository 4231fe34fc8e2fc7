--- Marks steps of a flow as sent, unless the flow no longer runs.
--- KEYS[1] the flow's hash; ARGV the node ids of the steps.
--- Returns, for each step, 1 if it is marked now and 0 if it was before; nil if the flow is
--- unknown, ended or cancelled.
if redis.call('HGET', KEYS[1], 'state') ~= 'RUNNING' then
  return false
end
local marked = {}
for i = 1, #ARGV do
  marked[i] = redis.call('HSETNX', KEYS[1], 's:' .. ARGV[i], '1')
end
return marked
