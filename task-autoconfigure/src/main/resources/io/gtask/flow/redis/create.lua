--- Records a new flow, unless one is recorded under its id already.
--- KEYS[1] the flow's hash; ARGV[1] how long it is kept (ms), then its fields and values.
--- Returns {1} if it was recorded now, {0} if it was known.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0}
end
local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
  if #fields == 2000 or i == #ARGV then
    redis.call('HSET', KEYS[1], unpack(fields))
    fields = {}
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {1}
