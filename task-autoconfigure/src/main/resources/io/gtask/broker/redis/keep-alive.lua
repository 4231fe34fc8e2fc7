--- Reset the idle time of pending entries, claiming them for a consumer.
--- KEYS: the lane.
--- ARGV: group, consumer, then the entry ids.
local args = {KEYS[1], ARGV[1], ARGV[2], 0}
for i = 3, #ARGV do table.insert(args, ARGV[i]) end
table.insert(args, 'JUSTID')
return #redis.call('XCLAIM', unpack(args))
