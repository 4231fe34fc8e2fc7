--- Records how a node of a flow ended, unless it was recorded before: the first outcome stands.
--- KEYS[1] the flow's hash; ARGV[1] the node id, ARGV[2] the outcome.
--- Returns {the outcome recorded first}, nil if the flow is unknown.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local field = 'o:' .. ARGV[1]
redis.call('HSETNX', KEYS[1], field, ARGV[2])
return {redis.call('HGET', KEYS[1], field)}
