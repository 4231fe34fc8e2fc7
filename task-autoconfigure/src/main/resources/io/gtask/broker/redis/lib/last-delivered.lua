--- The last delivered id of a consumer group on a stream, '0-0' when there is none.
local function lastDelivered(key, group)
  local groups = redis.pcall('XINFO', 'GROUPS', key)
  if type(groups) == 'table' and not groups.err then
    for _, g in ipairs(groups) do
      local name, last
      for j = 1, #g, 2 do
        if g[j] == 'name' then name = g[j + 1] elseif g[j] == 'last-delivered-id' then last = g[j + 1] end
      end
      if name == group then return last end
    end
  end
  return '0-0'
end
