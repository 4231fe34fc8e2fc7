--- Lane tags of members of delayed sets and waiting lists: lane 0 has none, others carry
--- '<lane>|' before the message. A member of a waiting list that was delivered before without
--- finishing carries 'd<deliveries>|' after the lane tag, so that its count survives the wait.
local function split(member)
  if string.byte(member, 1) ~= 123 then
    local bar = string.find(member, '|', 1, true)
    if bar and bar <= 3 then
      local lane = tonumber(string.sub(member, 1, bar - 1))
      if lane and lane >= 0 and lane < 11 then return lane, string.sub(member, bar + 1) end
    end
  end
  return 0, member
end
local function tag(lane, body)
  if lane == 0 then return body end
  return lane .. '|' .. body
end
local function counted(d, body)
  if d >= 1 and d < 1e9 then return 'd' .. math.floor(d) .. '|' .. body end
  return body
end
local function uncount(body)
  if string.byte(body, 1) == 100 then
    local d, rest = string.match(body, '^d(%d+)|(.*)$')
    if d then return tonumber(d), rest end
  end
  return 0, body
end
