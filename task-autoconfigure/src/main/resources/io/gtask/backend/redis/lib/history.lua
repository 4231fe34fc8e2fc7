-- A task's history is kept compact. The events its hash's own fields tell (sent at createdAt,
-- started at startedAt and ended at finishedAt, of the current attempt) are not stored: the
-- reader derives them. A change that would overwrite those fields first stores the events they
-- tell (materialize), then the change's own events (record), each line once.
local FINAL = { SUCCESS = true, FAILURE = true, REVOKED = true, EXPIRED = true }

local function head(status, at, attempt)
  return '{"status":"' .. status .. '","at":' .. at .. ',"attempt":' .. attempt
end

local function holds(history, prefix)
  return string.find(history, prefix .. '}', 1, true) ~= nil or string.find(history, prefix .. ',', 1, true) ~= nil
end

-- the stored events followed by the events the fields tell, as text
local function materialize(key)
  local f = redis.call('HMGET', key, 'history', 'createdAt', 'status', 'attempts', 'startedAt', 'finishedAt',
    'errorType', 'errorMessage')
  local history = f[1]
  if not history then
    history = ''
    if f[2] then history = head('PENDING', f[2], 0) .. '}\n' end
  end
  local status, attempt = f[3], f[4] or '0'
  if f[5] and status and status ~= 'PENDING' and status ~= 'RETRY' then
    local started = head('STARTED', f[5], attempt)
    if not holds(history, started) then history = history .. started .. '}\n' end
  end
  if f[6] and FINAL[status] then
    local ended = head(status, f[6], attempt)
    if not holds(history, ended) then
      if f[7] then
        ended = ended .. ',"errorType":' .. cjson.encode(f[7]) .. ',"errorMessage":' .. cjson.encode(f[8] or '')
      end
      history = history .. ended .. '}\n'
    end
  end
  return history
end

-- appends the lines of events not held yet and keeps the latest max lines
local function record(key, history, events, max)
  for line in string.gmatch(events, '[^\n]+') do
    local prefix = string.match(line, '^({"status":"%u+","at":%-?%d+,"attempt":%d+)')
    if not prefix or not holds(history, prefix) then history = history .. line .. '\n' end
  end
  -- an event line is 38 bytes at least: shorter text holds no more than max events
  local count = 0
  if #history > 38 * max then count = select(2, string.gsub(history, '\n', '')) end
  if count > max then
    local from = 0
    for i = 1, count - max do from = string.find(history, '\n', from + 1, true) end
    history = string.sub(history, from + 1)
  end
  redis.call('HSET', key, 'history', history)
end
