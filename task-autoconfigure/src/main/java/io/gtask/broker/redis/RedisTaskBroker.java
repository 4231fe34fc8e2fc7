package io.gtask.broker.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.gtask.broker.DelayedEntry;
import io.gtask.broker.Delivery;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.Promotion;
import io.gtask.broker.Settlement;
import io.gtask.broker.TaskBroker;
import io.gtask.broker.TaskLimit;
import io.gtask.core.DeadLetter;
import io.gtask.core.KeyTypeProblem;
import io.gtask.core.QueueKeyTypeException;
import io.gtask.core.QueueInfo;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisChannelListener;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * A {@link TaskBroker} on Redis Streams.
 * <p>
 * Each queue has one stream per priority lane, read by the consumer group {@code gtask}. One
 * script fetches a batch across the lanes, highest first, and applies what decides whether a
 * task may start: the queue being paused, the task being revoked, the limits of its name. Tasks
 * over a limit wait in a list of their name until a running task of that name finishes. Fetched
 * entries stay in the group's pending list until a script acknowledges and deletes them, so a
 * worker that dies holds nothing that is lost. Messages due later wait in a sorted set scored by
 * due time and are moved into their lane by a script once due.
 * <p>
 * When a fetch finds nothing, the consumer blocks on {@code XREAD} from the group's last
 * delivered ids, so it wakes as soon as a task arrives in any lane, and fetches again.
 */
public class RedisTaskBroker implements TaskBroker {

	private static final LogAccessor logger = new LogAccessor(RedisTaskBroker.class);

	static final byte[] MESSAGE_FIELD = bytes("m");

	private static final byte[] GROUP = bytes(RedisKeyspace.GROUP);

	/**
	 * The latest due time a delayed task can have, the end of the year 9999; members of the
	 * delayed set due later are never due.
	 */
	private static final long LATEST_DUE = 253_402_300_799_999L;

	private static final Class<List<Object>> LIST = (Class<List<Object>>) (Class<?>) List.class;

	/**
	 * Lane tags of members of delayed sets and waiting lists: lane 0 has none, others carry
	 * {@code <lane>|} before the message. A member of a waiting list that was delivered before
	 * without finishing carries {@code d<deliveries>|} after the lane tag, so that its count
	 * survives the wait.
	 */
	private static final String SPLIT = """
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
			""";

	/**
	 * Setting aside a member of the delayed set or of a waiting list that cannot be moved into
	 * its lane, as a dead letter holding the member's raw text.
	 */
	private static final String BURY = """
			local function bury(deadKey, deadPrefix, id, now, member, body, reason)
			  -- a dead set or letter of another type cannot take it: the caller keeps the entry
			  for _, pair in ipairs({{deadKey, 'zset'}, {deadPrefix .. id, 'hash'}}) do
			    local t = redis.call('TYPE', pair[1])['ok']
			    if t ~= 'none' and t ~= pair[2] then return false end
			  end
			  local fields = {'reason', reason, 'payload', member, 'deadAt', now, 'attempts', '0', 'deliveries', '0'}
			  local ok, msg = pcall(cjson.decode, body)
			  if ok and type(msg) == 'table' then
			    local queuePrefix = string.sub(deadPrefix, 1, #deadPrefix - 5)
			    if type(msg.id) == 'string' then
			      table.insert(fields, 'taskId') table.insert(fields, msg.id)
			      -- no longer held by Redis: in durable mode the reaper takes it from here
			      redis.pcall('SREM', queuePrefix .. 'tracked', msg.id)
			      if type(msg.unique) == 'string' and redis.pcall('GET', queuePrefix .. 'unique:' .. msg.unique) == msg.id then
			        redis.call('DEL', queuePrefix .. 'unique:' .. msg.unique)
			      end
			    end
			    if type(msg.name) == 'string' then table.insert(fields, 'name') table.insert(fields, msg.name) end
			  end
			  redis.call('DEL', deadPrefix .. id)
			  redis.call('HSET', deadPrefix .. id, unpack(fields))
			  redis.call('ZADD', deadKey, now, id)
			  return true
			end
			""";

	private static final String LAST_DELIVERED = """
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
			""";

	/**
	 * KEYS: the lanes, highest first, then the pause flag, the revoked set and the dead set.
	 * ARGV: group, consumer, count, now, lease end, queue key prefix, prefix of dead letters,
	 * number of limits, then name, concurrency, rate and rate period of each. Returns {1} when
	 * paused, else {0, entries, last, broken}: five values per entry (lane, id, message,
	 * delivery count, limited name); when there is no entry, the last delivered id of each lane
	 * ('' for a lane whose key holds another type); and the key and type of each key found
	 * holding a type other than its own, which is skipped so that the rest of the queue goes on.
	 */
	private static final DefaultRedisScript<List<Object>> FETCH = new DefaultRedisScript<>(SPLIT + LAST_DELIVERED
			+ BURY + """
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
			""", LIST);

	/**
	 * KEYS: the lanes, lowest first, then the dead set. ARGV: queue key prefix, now, lease end,
	 * prefix of dead letters, number of leases to release, then name and delivery identity of
	 * each, then name, concurrency, rate, rate period and most to admit of each name whose
	 * waiting tasks may be admitted. Returns the number admitted, then a line with the id and
	 * reason of each waiting entry set aside as a dead letter.
	 */
	private static final DefaultRedisScript<byte[]> ADMIT = new DefaultRedisScript<>(SPLIT + BURY + """
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
			return table.concat(buried, '\\n')
			""", byte[].class);

	/*
	 * The scripts that settle a delivery do their work only when their XACK acknowledged it, so
	 * that one sent again after a timeout (its first run did reach Redis) changes nothing.
	 */

	private static final DefaultRedisScript<Long> DEFER = new DefaultRedisScript<>("""
			local waiting = ARGV[3] .. 'waiting:' .. ARGV[4]
			local t = redis.call('TYPE', waiting)['ok']
			if t ~= 'none' and t ~= 'list' then
			  return redis.error_reply('WRONGTYPE ' .. waiting .. ' holds a ' .. t .. ', not a list')
			end
			if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
			redis.call('XDEL', KEYS[1], ARGV[2])
			redis.call('ZREM', ARGV[3] .. 'leases:' .. ARGV[4], ARGV[6])
			redis.call('RPUSH', ARGV[3] .. 'waiting:' .. ARGV[4], ARGV[5])
			redis.pcall('SADD', ARGV[3] .. 'limited', ARGV[4])
			return 1
			""", Long.class);

	/**
	 * KEYS: the lane, the revoked set. ARGV: group, then the entry ids. A task revoked while it
	 * ran is done with: its id leaves the revoked set, which would otherwise drop a later
	 * message with the same id.
	 */
	private static final DefaultRedisScript<Long> ACK = new DefaultRedisScript<>("""
			-- a revoked set of another type must not stop acknowledgements
			local revoked = redis.pcall('ZCARD', KEYS[2])
			if type(revoked) == 'number' and revoked > 0 then
			  for i = 2, #ARGV do
			    local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
			    if entry[1] and redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
			      local f = entry[1][2]
			      for j = 1, #f, 2 do
			        if f[j] == 'm' then
			          local ok, msg = pcall(cjson.decode, f[j + 1])
			          if ok and type(msg) == 'table' and type(msg.id) == 'string' then redis.call('ZREM', KEYS[2], msg.id) end
			        end
			      end
			    end
			  end
			end
			redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
			return redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
			""", Long.class);

	private static final DefaultRedisScript<Long> RETRY_LATER = new DefaultRedisScript<>("""
			local t = redis.call('TYPE', KEYS[2])['ok']
			if t ~= 'none' and t ~= 'zset' then
			  -- refused before acknowledging: the delivery stays pending and is taken over later
			  return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' holds a ' .. t .. ', not a zset')
			end
			if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
			redis.call('XDEL', KEYS[1], ARGV[2])
			return redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
			""", Long.class);

	/**
	 * KEYS: the delayed set, then the lanes, lowest first, then the dead set. ARGV: now, most
	 * to move, latest due time that can be reached, prefix of dead letters. Returns the number
	 * moved, the next due time or an empty string, then the id and reason of each member set
	 * aside as a dead letter: those that cannot be moved into their lane, and those never due.
	 */
	private static final DefaultRedisScript<List<Object>> PROMOTE = new DefaultRedisScript<>(SPLIT + BURY + """
			local now, limit, deadPrefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[4]
			local deadKey = KEYS[#KEYS]
			local moved, out = 0, {}
			local function setAside(member, body, reason)
			  local id = 'delayed-' .. redis.sha1hex(member)
			  if not bury(deadKey, deadPrefix, id, now, member, body, reason) then return false end
			  table.insert(out, id)
			  table.insert(out, reason)
			  return true
			end
			for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit)) do
			  local lane, body = split(member)
			  local added = redis.pcall('XADD', KEYS[lane + 2], '*', 'm', body)
			  if type(added) == 'table' and added.err then
			    -- kept where it is when not even the dead letters can take it
			    if setAside(member, body, 'Could not move delayed entry into lane ' .. lane .. ' (' .. KEYS[lane + 2] .. '): ' .. added.err) then
			      redis.call('ZREM', KEYS[1], member)
			    end
			  else
			    moved = moved + 1
			    redis.call('ZREM', KEYS[1], member)
			  end
			end
			local never = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[3], '+inf', 'WITHSCORES', 'LIMIT', 0, limit)
			for i = 1, #never, 2 do
			  local lane, body = split(never[i])
			  if setAside(never[i], body, 'Delayed entry is never due: its due time is ' .. never[i + 1]) then
			    redis.call('ZREM', KEYS[1], never[i])
			  end
			end
			local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
			local result = {moved, next[2] or ''}
			for _, value in ipairs(out) do table.insert(result, value) end
			return result
			""", LIST);

	/**
	 * KEYS: the lanes. ARGV: group, minimum idle time, most entries to put back, idle time
	 * after which a consumer holding nothing is removed from the group.
	 */
	private static final DefaultRedisScript<Long> RECLAIM = new DefaultRedisScript<>("""
			local moved, max = 0, tonumber(ARGV[3])
			for l = 1, #KEYS do
			  local key = KEYS[l]
			  if redis.call('EXISTS', key) == 1 then
			    if moved < max then
			      local pending = redis.pcall('XPENDING', key, ARGV[1], 'IDLE', tonumber(ARGV[2]), '-', '+', max - moved)
			      if type(pending) == 'table' and not pending.err then
			        for _, entry in ipairs(pending) do
			          local found = redis.call('XRANGE', key, entry[1], entry[1])
			          if found[1] then
			            local add = {key, '*'}
			            local d = entry[4]
			            local f = found[1][2]
			            for j = 1, #f, 2 do
			              if f[j] == 'd' then d = d + (tonumber(f[j + 1]) or 0)
			              elseif f[j] ~= 'a' then
			                table.insert(add, f[j])
			                table.insert(add, f[j + 1])
			              end
			            end
			            table.insert(add, 'd')
			            table.insert(add, d)
			            redis.call('XADD', unpack(add))
			            moved = moved + 1
			          end
			          redis.call('XACK', key, ARGV[1], entry[1])
			          redis.call('XDEL', key, entry[1])
			        end
			      end
			    end
			    local consumers = redis.pcall('XINFO', 'CONSUMERS', key, ARGV[1])
			    if type(consumers) == 'table' and not consumers.err then
			      for _, c in ipairs(consumers) do
			        local name, held, idle
			        for j = 1, #c, 2 do
			          if c[j] == 'name' then name = c[j + 1] elseif c[j] == 'pending' then held = c[j + 1] elseif c[j] == 'idle' then idle = c[j + 1] end
			        end
			        if name and held == 0 and idle and idle > tonumber(ARGV[4]) then
			          redis.call('XGROUP', 'DELCONSUMER', key, ARGV[1], name)
			        end
			      end
			    end
			  end
			end
			return moved
			""", Long.class);

	private static final DefaultRedisScript<Long> KEEP_ALIVE = new DefaultRedisScript<>("""
			local args = {KEYS[1], ARGV[1], ARGV[2], 0}
			for i = 3, #ARGV do table.insert(args, ARGV[i]) end
			table.insert(args, 'JUSTID')
			return #redis.call('XCLAIM', unpack(args))
			""", Long.class);

	private static final DefaultRedisScript<Long> RENEW_LEASES = new DefaultRedisScript<>("""
			for i = 3, #ARGV, 2 do
			  redis.call('ZADD', ARGV[1] .. 'leases:' .. ARGV[i], 'XX', ARGV[2], ARGV[i + 1])
			end
			return 1
			""", Long.class);

	private static final DefaultRedisScript<Long> HAND_BACK = new DefaultRedisScript<>("""
			local moved = 0
			for i = 2, #ARGV do
			  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
			    local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
			    if entry[1] then
			      redis.call('XADD', KEYS[1], '*', unpack(entry[1][2]))
			      moved = moved + 1
			    end
			    redis.call('XDEL', KEYS[1], ARGV[i])
			  end
			end
			return moved
			""", Long.class);

	/**
	 * KEYS: the lane, the dead set, the dead letter, the revoked set. ARGV: group, entry id,
	 * time, most dead letters kept, oldest time kept, prefix of dead letters, dead letter id,
	 * then the fields of the dead letter. A revoked id ends with its task's dead letter.
	 */
	private static final DefaultRedisScript<Long> DEAD_LETTER = new DefaultRedisScript<>("""
			-- refuse before acknowledging anything, so that the delivery stays pending and nothing is lost
			for _, pair in ipairs({{KEYS[2], 'zset'}, {KEYS[3], 'hash'}}) do
			  local t = redis.call('TYPE', pair[1])['ok']
			  if t ~= 'none' and t ~= pair[2] then
			    return redis.error_reply('WRONGTYPE ' .. pair[1] .. ' holds a ' .. t .. ', not a ' .. pair[2])
			  end
			end
			if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
			redis.call('XDEL', KEYS[1], ARGV[2])
			redis.call('HSET', KEYS[3], unpack(ARGV, 8))
			for i = 8, #ARGV - 1, 2 do
			  if ARGV[i] == 'taskId' then redis.pcall('ZREM', KEYS[4], ARGV[i + 1]) end
			end
			redis.call('ZADD', KEYS[2], ARGV[3], ARGV[7])
			local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
			local excess = redis.call('ZCARD', KEYS[2]) - #old - tonumber(ARGV[4])
			if excess > 0 then
			  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], #old, #old + excess - 1)) do table.insert(old, id) end
			end
			for _, id in ipairs(old) do
			  redis.call('ZREM', KEYS[2], id)
			  redis.call('DEL', ARGV[6] .. id)
			end
			return #old
			""", Long.class);

	private static final DefaultRedisScript<Long> REMOVE_DEAD_LETTER = new DefaultRedisScript<>("""
			if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
			local taskId = redis.call('HGET', KEYS[2], 'taskId')
			redis.call('DEL', KEYS[2])
			if ARGV[2] == '1' then
			  redis.call('XADD', KEYS[3], '*', 'm', ARGV[3])
			  if ARGV[4] == '1' and taskId then redis.call('SADD', KEYS[4], taskId) end
			end
			return 1
			""", Long.class);

	/**
	 * KEYS: the uniqueness key, the lane or delayed set, and in durable mode the tracked set.
	 * ARGV: task id, time to live of the uniqueness key, 'z' for the delayed set or 's' for
	 * the lane, the message, the due time.
	 */
	/**
	 * KEYS: the dead letter. ARGV: now, end of the reservation.
	 */
	private static final DefaultRedisScript<Long> RESERVE_DEAD_LETTER = new DefaultRedisScript<>("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
			local held = tonumber(redis.call('HGET', KEYS[1], 'reservedUntil'))
			if held and held > tonumber(ARGV[1]) then return 0 end
			redis.call('HSET', KEYS[1], 'reservedUntil', ARGV[2])
			return 1
			""", Long.class);

	private static final DefaultRedisScript<byte[]> ENQUEUE_UNIQUE = new DefaultRedisScript<>("""
			if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
			  return redis.call('GET', KEYS[1])
			end
			if ARGV[3] == 'z' then
			  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
			else
			  redis.call('XADD', KEYS[2], '*', 'm', ARGV[4])
			end
			if KEYS[3] then redis.call('SADD', KEYS[3], ARGV[1]) end
			return false
			""", byte[].class);

	/**
	 * Queue a task and mark it tracked in one step, so that a task is tracked exactly when its
	 * message is queued. KEYS: the lane or delayed set, the tracked set. ARGV: task id, 'z' for
	 * the delayed set or 's' for the lane, the message, the due time.
	 */
	private static final DefaultRedisScript<Long> ENQUEUE_TRACKED = new DefaultRedisScript<>("""
			if ARGV[2] == 'z' then
			  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
			else
			  redis.call('XADD', KEYS[1], '*', 'm', ARGV[3])
			end
			return redis.call('SADD', KEYS[2], ARGV[1])
			""", Long.class);

	private static final DefaultRedisScript<Long> RELEASE_UNIQUE = new DefaultRedisScript<>("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
			return 0
			""", Long.class);

	private static final DefaultRedisScript<Long> UNTRACK = new DefaultRedisScript<>("""
			return redis.call('SREM', KEYS[1], ARGV[1])
			""", Long.class);

	private static final DefaultRedisScript<Long> FORGET_CONSUMERS = new DefaultRedisScript<>("""
			return redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
			""", Long.class);

	private static final DefaultRedisScript<Long> REVOKE = new DefaultRedisScript<>("""
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
			return redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
			""", Long.class);

	/**
	 * KEYS: the lanes lowest first, the delayed set, the dead set, the pause flag, the consumer
	 * set and the set of limited names. ARGV: group, now, queue key prefix.
	 */
	private static final DefaultRedisScript<List<Object>> INSPECT = new DefaultRedisScript<>("""
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
			return {pending, inflight, redis.call('ZCARD', KEYS[12]), redis.call('ZCARD', KEYS[13]),
			  redis.call('EXISTS', KEYS[14]), waiting, list}
			""", LIST);

	/**
	 * KEYS: the lanes, lowest first. ARGV: group, '1' for the first pending entry or '0' for the
	 * last.
	 */
	private static final DefaultRedisScript<List<Object>> PEEK = new DefaultRedisScript<>(LAST_DELIVERED + """
			local first = ARGV[2] == '1'
			local from, to, step = 1, #KEYS, 1
			if first then from, to, step = #KEYS, 1, -1 end
			for l = from, to, step do
			  if redis.call('EXISTS', KEYS[l]) == 1 then
			    local after = '(' .. lastDelivered(KEYS[l], ARGV[1])
			    local e
			    if first then e = redis.call('XRANGE', KEYS[l], after, '+', 'COUNT', 1)
			    else e = redis.call('XREVRANGE', KEYS[l], '+', after, 'COUNT', 1) end
			    if e[1] then
			      local m = ''
			      for j = 1, #e[1][2], 2 do if e[1][2][j] == 'm' then m = e[1][2][j + 1] end end
			      return {l - 1, e[1][1], m}
			    end
			  end
			end
			return {}
			""", LIST);

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final QueueKeyTypes keyTypes;

	private final int deadLetterMaxSize;

	private final Duration deadLetterMaxAge;

	private volatile Map<String, TaskLimit> limits = Map.of();

	private Duration leaseTime = Duration.ofSeconds(60);

	private volatile boolean tracking;

	/**
	 * Create a broker that keeps at most 10,000 dead letters per queue for at most 7 days.
	 * @param redis the connection
	 * @param keys the keyspace
	 */
	public RedisTaskBroker(RedisAsync redis, RedisKeyspace keys) {
		this(redis, keys, 10_000, Duration.ofDays(7));
	}

	/**
	 * Create a broker.
	 * @param redis the connection
	 * @param keys the keyspace
	 * @param deadLetterMaxSize the most dead letters kept per queue; the oldest go first
	 * @param deadLetterMaxAge how long a dead letter is kept
	 */
	public RedisTaskBroker(RedisAsync redis, RedisKeyspace keys, int deadLetterMaxSize, Duration deadLetterMaxAge) {
		this.redis = redis;
		this.keys = keys;
		this.deadLetterMaxSize = deadLetterMaxSize;
		this.deadLetterMaxAge = deadLetterMaxAge;
		this.keyTypes = new QueueKeyTypes(redis, keys);
	}

	/**
	 * Set how long a concurrency permit of a fetched task is held without being renewed; a
	 * worker that dies holds its permits this long. Use the visibility timeout.
	 * @param leaseTime the time
	 */
	public void setLeaseTime(Duration leaseTime) {
		this.leaseTime = leaseTime;
	}

	@Override
	public void setTaskLimits(Map<String, TaskLimit> limits) {
		Map<String, TaskLimit> limited = new LinkedHashMap<>();
		limits.forEach((name, limit) -> {
			if (limit.isLimited()) {
				limited.put(name, limit);
			}
		});
		this.limits = Map.copyOf(limited);
	}

	private byte[][] lanes(String queue) {
		byte[][] lanes = new byte[RedisKeyspace.LANES][];
		for (int i = 0; i < lanes.length; i++) {
			lanes[i] = bytes(this.keys.lane(queue, i));
		}
		return lanes;
	}

	private static byte[] tagged(int lane, byte[] payload) {
		if (lane == 0) {
			return payload;
		}
		byte[] tag = bytes(lane + "|");
		byte[] member = Arrays.copyOf(tag, tag.length + payload.length);
		System.arraycopy(payload, 0, member, tag.length, payload.length);
		return member;
	}

	/**
	 * A message with the count of its earlier deliveries, as the {@code counted} function of the
	 * scripts writes it.
	 */
	private static byte[] counted(long deliveries, byte[] payload) {
		if (deliveries <= 0) {
			return payload;
		}
		byte[] tag = bytes("d" + deliveries + "|");
		byte[] member = Arrays.copyOf(tag, tag.length + payload.length);
		System.arraycopy(payload, 0, member, tag.length, payload.length);
		return member;
	}

	private static byte[] number(long value) {
		return bytes(Long.toString(value));
	}

	@Override
	public CompletableFuture<List<@Nullable String>> enqueue(List<OutgoingTask> tasks) {
		if (tasks.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		List<@Nullable CompletableFuture<byte @Nullable []>> holders = new ArrayList<>(tasks.size());
		CompletableFuture<Void> all = this.redis.submitBatch((batch) -> {
			boolean tracking = this.tracking;
			for (OutgoingTask task : tasks) {
				holders.add(enqueue(batch, task, tracking));
			}
		});
		CompletableFuture<List<@Nullable String>> queued = all.thenApply((ignored) -> {
			List<@Nullable String> result = new ArrayList<>(holders.size());
			for (CompletableFuture<byte @Nullable []> holder : holders) {
				byte[] id = (holder != null) ? holder.join() : null;
				result.add((id != null) ? string(id) : null);
			}
			return result;
		});
		if (queued.isDone()) {
			// answered already (or never written): this is the sender's thread, which may ask more
			Throwable failure = queued.handle((result, ex) -> ex).join();
			return (failure != null) ? CompletableFuture.failedFuture(refused(tasks, failure)) : queued;
		}
		// finding the keys of the wrong type takes commands, which must not run on a Redis thread
		return queued.exceptionallyComposeAsync((ex) -> CompletableFuture.failedFuture(refused(tasks, ex)));
	}

	/**
	 * When Redis refused some of the commands for a key of the wrong type, a failure naming the
	 * keys and the tasks that were therefore not queued.
	 */
	private Throwable refused(List<OutgoingTask> tasks, Throwable failure) {
		Throwable cause = (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null)
				? failure.getCause() : failure;
		if (!(cause instanceof RuntimeException runtime) || !QueueKeyTypes.isWrongType(runtime)) {
			return cause;
		}
		List<KeyTypeProblem> problems = new ArrayList<>();
		for (String queue : tasks.stream().map(OutgoingTask::queue).distinct().toList()) {
			List<String> uniqueKeys = tasks.stream()
				.filter((task) -> task.queue().equals(queue) && task.uniqueKey() != null)
				.map(OutgoingTask::uniqueKey)
				.distinct()
				.toList();
			RuntimeException translated = this.keyTypes.translate(queue, this.limits.keySet(), uniqueKeys, runtime);
			if (translated instanceof QueueKeyTypeException wrongType) {
				problems.addAll(wrongType.getProblems());
			}
		}
		if (problems.isEmpty()) {
			return cause;
		}
		java.util.Set<String> broken = new java.util.HashSet<>();
		problems.forEach((problem) -> broken.add(problem.key()));
		List<String> notQueued = new ArrayList<>();
		for (OutgoingTask task : tasks) {
			String target = (task.due() != null) ? this.keys.delayed(task.queue())
					: this.keys.lane(task.queue(), task.priority());
			boolean unique = task.uniqueKey() != null
					&& broken.contains(this.keys.unique(task.queue(), task.uniqueKey()));
			if (broken.contains(target) || unique || (this.tracking && broken.contains(this.keys.tracked(task.queue())))) {
				notQueued.add(task.id());
			}
		}
		return new QueueKeyTypeException(problems, notQueued, cause);
	}

	@Override
	public List<KeyTypeProblem> keyProblems(String queue) {
		return this.keyTypes.check(queue, this.limits.keySet());
	}

	private @Nullable CompletableFuture<byte @Nullable []> enqueue(RedisBatch batch, OutgoingTask task,
			boolean tracking) {
		int lane = task.priority();
		boolean delayed = task.due() != null;
		byte[] target = bytes(delayed ? this.keys.delayed(task.queue()) : this.keys.lane(task.queue(), lane));
		byte[] message = delayed ? tagged(lane, task.payload()) : task.payload();
		byte[] due = number(delayed ? task.due().toEpochMilli() : 0);
		if (task.uniqueKey() != null && task.uniqueFor() != null) {
			byte[] unique = bytes(this.keys.unique(task.queue(), task.uniqueKey()));
			byte[][] keys = tracking ? new byte[][] { unique, target, bytes(this.keys.tracked(task.queue())) }
					: new byte[][] { unique, target };
			return batch.scriptValue(ENQUEUE_UNIQUE, keys, bytes(task.id()), number(task.uniqueFor().toMillis()),
					bytes(delayed ? "z" : "s"), message, due);
		}
		enqueueWithoutKey(batch, task, tracking);
		return null;
	}

	private CompletableFuture<?> enqueueWithoutKey(RedisBatch batch, OutgoingTask task, boolean tracking) {
		int lane = task.priority();
		boolean delayed = task.due() != null;
		byte[] target = bytes(delayed ? this.keys.delayed(task.queue()) : this.keys.lane(task.queue(), lane));
		byte[] message = delayed ? tagged(lane, task.payload()) : task.payload();
		if (tracking) {
			return batch.script(ENQUEUE_TRACKED, new byte[][] { target, bytes(this.keys.tracked(task.queue())) },
					bytes(task.id()), bytes(delayed ? "z" : "s"), message, number(delayed ? task.due().toEpochMilli() : 0));
		}
		if (!delayed) {
			return batch.xadd(target, MESSAGE_FIELD, message);
		}
		return batch.zadd(target, task.due().toEpochMilli(), message);
	}

	/**
	 * Add to a batch the command that queues a task holding no uniqueness key, for a sender
	 * that writes it together with other commands (the task's record) in one round trip.
	 * @param batch the batch
	 * @param task the task, without uniqueness key
	 * @return a future completed when Redis answered, failed if it refused the command; see
	 * {@link #explainRefusal(List, Throwable)}
	 */
	public CompletableFuture<?> enqueue(RedisBatch batch, OutgoingTask task) {
		if (task.uniqueKey() != null) {
			throw new IllegalArgumentException("Task " + task.id() + " holds a uniqueness key; use enqueue(List)");
		}
		return enqueueWithoutKey(batch, task, this.tracking);
	}

	/**
	 * What to tell the sender of tasks that Redis refused to queue: when keys of their queues
	 * hold values of another type, a {@link QueueKeyTypeException} that names the keys and the
	 * tasks not queued for them; otherwise the failure itself. Runs commands, so it must not be
	 * called on a thread of the Redis client.
	 * @param tasks the tasks of the send
	 * @param failure what Redis answered
	 * @return the failure to report
	 */
	public Throwable explainRefusal(List<OutgoingTask> tasks, Throwable failure) {
		return refused(tasks, failure);
	}

	/**
	 * The connection this broker runs its commands on.
	 * @return the connection
	 */
	public RedisAsync getRedis() {
		return this.redis;
	}

	@Override
	public Consumer consumer(String queue, String consumerName) {
		return new StreamConsumer(queue, consumerName);
	}

	@Override
	public void settle(List<Settlement> settlements) {
		if (settlements.isEmpty()) {
			return;
		}
		Map<String, List<Delivery>> acks = new LinkedHashMap<>();
		Map<String, List<Delivery>> released = new LinkedHashMap<>();
		for (Settlement settlement : settlements) {
			Delivery delivery = settlement.delivery();
			if (settlement.retryPayload() == null && settlement.deadLetter() == null) {
				acks.computeIfAbsent(laneKey(delivery), (key) -> new ArrayList<>()).add(delivery);
			}
			if (delivery.limitedName() != null) {
				released.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
			}
		}
		this.redis.executeBatch((batch) -> {
			for (Settlement settlement : settlements) {
				if (settlement.retryPayload() != null && settlement.retryAt() != null) {
					retryLater(batch, settlement.delivery(), settlement.retryPayload(), settlement.retryAt());
				}
				else if (settlement.deadLetter() != null) {
					deadLetter(batch, settlement.delivery(), settlement.deadLetter());
				}
				if (this.tracking && settlement.taskId() != null && settlement.retryPayload() == null) {
					batch.script(UNTRACK, new byte[][] { bytes(this.keys.tracked(settlement.delivery().queue())) },
							bytes(settlement.taskId()));
				}
				if (settlement.uniqueKey() != null && settlement.taskId() != null && settlement.retryPayload() == null) {
					batch.script(RELEASE_UNIQUE,
							new byte[][] { bytes(this.keys.unique(settlement.delivery().queue(), settlement.uniqueKey())) },
							bytes(settlement.taskId()));
				}
			}
			acks.forEach((key, list) -> batch.script(ACK,
					new byte[][] { bytes(key), bytes(this.keys.revoked(list.get(0).queue())) }, groupAndIds(list)));
			released.forEach((queue, list) -> admit(batch, queue, Instant.now(), list, localFreeAfterRelease(list)));
		});
	}

	private static Map<String, Integer> localFreeAfterRelease(List<Delivery> released) {
		Map<String, Integer> free = new HashMap<>();
		for (Delivery delivery : released) {
			free.merge(delivery.limitedName(), 1, Integer::sum);
		}
		return free;
	}

	/**
	 * Release the permits of finished deliveries and put back waiting tasks of the names
	 * concerned as far as their limits allow.
	 */
	private CompletableFuture<Integer> admit(RedisBatch batch, String queue, Instant now, List<Delivery> released,
			Map<String, Integer> localFree) {
		List<byte[]> args = new ArrayList<>();
		args.add(bytes(this.keys.queuePrefix(queue)));
		args.add(number(now.toEpochMilli()));
		args.add(number(now.plus(this.leaseTime).toEpochMilli()));
		args.add(bytes(this.keys.deadLetterPrefix(queue)));
		args.add(number(released.size()));
		Map<String, Boolean> names = new LinkedHashMap<>();
		for (Delivery delivery : released) {
			args.add(bytes(delivery.limitedName()));
			args.add(bytes(identity(delivery)));
			names.put(delivery.limitedName(), true);
		}
		for (Map.Entry<String, TaskLimit> entry : this.limits.entrySet()) {
			String name = entry.getKey();
			TaskLimit limit = entry.getValue();
			int max;
			if (limit.localConcurrency() > 0) {
				max = localFree.getOrDefault(name, 0);
			}
			else if (limit.isGlobal()) {
				max = Integer.MAX_VALUE;
			}
			else {
				continue;
			}
			if (max <= 0 || (!released.isEmpty() && !names.containsKey(name))) {
				continue;
			}
			args.add(bytes(name));
			args.add(number(limit.concurrency()));
			args.add(number(limit.rate()));
			args.add(number((limit.ratePeriod() != null) ? limit.ratePeriod().toMillis() : 0));
			args.add(number(Math.min(max, 1_000)));
		}
		byte[][] keys = Arrays.copyOf(lanes(queue), RedisKeyspace.LANES + 1);
		keys[RedisKeyspace.LANES] = bytes(this.keys.dead(queue));
		return batch.scriptValue(ADMIT, keys, args.toArray(new byte[0][]))
			.thenApply((result) -> admitted(queue, (result != null) ? string(result) : "0"));
	}

	private static int admitted(String queue, String result) {
		String[] lines = result.split("\n");
		for (int i = 1; i < lines.length; i++) {
			String line = lines[i];
			int space = line.indexOf(' ');
			logger.warn(() -> "Set aside waiting entry of queue '" + queue + "' as dead letter "
					+ line.substring(0, space) + ": " + line.substring(space + 1));
		}
		return Integer.parseInt(lines[0]);
	}

	@Override
	public int admitWaiting(String queue, Instant now, Map<String, Integer> localFree) {
		if (this.limits.isEmpty()) {
			return 0;
		}
		List<CompletableFuture<Integer>> result = new ArrayList<>(1);
		this.redis.executeBatch((batch) -> result.add(admit(batch, queue, now, List.of(), localFree)));
		return result.get(0).join();
	}

	@Override
	public void defer(List<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		this.redis.executeBatch((batch) -> {
			for (Delivery delivery : deliveries) {
				batch.script(DEFER, new byte[][] { bytes(laneKey(delivery)) }, GROUP, bytes(delivery.deliveryId()),
						bytes(this.keys.queuePrefix(delivery.queue())), bytes(String.valueOf(delivery.limitedName())),
						tagged(delivery.priority(), counted(delivery.deliveryCount() - 1,
								(delivery.payload() != null) ? delivery.payload() : new byte[0])),
						bytes(identity(delivery)));
			}
		});
	}

	private String laneKey(Delivery delivery) {
		return this.keys.lane(delivery.queue(), delivery.priority());
	}

	/**
	 * The identity of a delivery across the lanes of its queue, which share entry ids: the
	 * member of concurrency leases and rate windows, and the id of its dead letter. The
	 * scripts build it the same way.
	 */
	private static String identity(Delivery delivery) {
		return delivery.priority() + "-" + delivery.deliveryId();
	}

	private void retryLater(RedisBatch batch, Delivery delivery, byte[] payload, Instant due) {
		batch.script(RETRY_LATER,
				new byte[][] { bytes(laneKey(delivery)), bytes(this.keys.delayed(delivery.queue())) }, GROUP,
				bytes(delivery.deliveryId()), number(due.toEpochMilli()), tagged(delivery.priority(), payload));
	}

	@Override
	public int reclaim(String queue, Duration minIdle, int max) {
		Long moved = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, RECLAIM,
				ScriptOutputType.INTEGER, lanes(queue), GROUP, number(minIdle.toMillis()), number(max),
				number(minIdle.toMillis() * 10)));
		return (moved != null) ? moved.intValue() : 0;
	}

	@Override
	public void heartbeat(String queue, String consumerName, Duration ttl) {
		long now = System.currentTimeMillis();
		byte[] key = bytes(this.keys.consumers(queue));
		this.redis.executeBatch((batch) -> {
			batch.zadd(key, (double) (now + ttl.toMillis()), bytes(consumerName));
			// consumers that stopped sending heartbeats (every restart adds a name) are forgotten
			batch.script(FORGET_CONSUMERS, new byte[][] { key }, number(now));
		});
	}

	@Override
	public void keepAlive(List<Delivery> deliveries, String consumerName) {
		Map<String, List<Delivery>> byLane = new LinkedHashMap<>();
		Map<String, List<Delivery>> leased = new LinkedHashMap<>();
		for (Delivery delivery : deliveries) {
			byLane.computeIfAbsent(laneKey(delivery), (key) -> new ArrayList<>()).add(delivery);
			TaskLimit limit = (delivery.limitedName() != null) ? this.limits.get(delivery.limitedName()) : null;
			if (limit != null && limit.concurrency() > 0) {
				leased.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
			}
		}
		if (byLane.isEmpty()) {
			return;
		}
		byte[] until = number(System.currentTimeMillis() + this.leaseTime.toMillis());
		this.redis.executeBatch((batch) -> {
			byLane.forEach((key, list) -> {
				byte[][] args = new byte[list.size() + 2][];
				args[0] = GROUP;
				args[1] = bytes(consumerName);
				for (int i = 0; i < list.size(); i++) {
					args[i + 2] = bytes(list.get(i).deliveryId());
				}
				batch.script(KEEP_ALIVE, new byte[][] { bytes(key) }, args);
			});
			leased.forEach((queue, list) -> {
				List<byte[]> args = new ArrayList<>();
				args.add(bytes(this.keys.queuePrefix(queue)));
				args.add(until);
				for (Delivery delivery : list) {
					args.add(bytes(delivery.limitedName()));
					args.add(bytes(identity(delivery)));
				}
				batch.script(RENEW_LEASES, new byte[][] { bytes(this.keys.ready(queue)) }, args.toArray(new byte[0][]));
			});
		});
	}

	@Override
	public void handBack(List<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		Map<String, List<Delivery>> byLane = new LinkedHashMap<>();
		for (Delivery delivery : deliveries) {
			byLane.computeIfAbsent(laneKey(delivery), (key) -> new ArrayList<>()).add(delivery);
		}
		List<Delivery> leased = deliveries.stream().filter((delivery) -> delivery.limitedName() != null).toList();
		this.redis.executeBatch((batch) -> {
			byLane.forEach((key, list) -> batch.script(HAND_BACK, new byte[][] { bytes(key) }, groupAndIds(list)));
			Map<String, List<Delivery>> byQueue = new LinkedHashMap<>();
			for (Delivery delivery : leased) {
				byQueue.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
			}
			byQueue.forEach((queue, list) -> admit(batch, queue, Instant.now(), list, Map.of()));
		});
	}

	private void deadLetter(RedisBatch batch, Delivery delivery, DeadLetter deadLetter) {
		String queue = delivery.queue();
		List<byte[]> args = new ArrayList<>(26);
		args.add(GROUP);
		args.add(bytes(delivery.deliveryId()));
		args.add(number(deadLetter.deadAt().toEpochMilli()));
		args.add(number(this.deadLetterMaxSize));
		args.add(number(deadLetter.deadAt().minus(this.deadLetterMaxAge).toEpochMilli()));
		args.add(bytes(this.keys.deadLetterPrefix(queue)));
		args.add(bytes(identity(delivery)));
		field(args, "reason", deadLetter.reason());
		field(args, "taskId", deadLetter.taskId());
		field(args, "name", deadLetter.name());
		field(args, "errorType", deadLetter.errorType());
		field(args, "attempts", Integer.toString(deadLetter.attempts()));
		field(args, "deliveries", Long.toString(deadLetter.deliveries()));
		field(args, "deadAt", Long.toString(deadLetter.deadAt().toEpochMilli()));
		args.add(bytes("payload"));
		args.add(deadLetter.payload());
		batch.script(DEAD_LETTER,
				new byte[][] { bytes(laneKey(delivery)), bytes(this.keys.dead(queue)),
						bytes(this.keys.deadLetter(queue, identity(delivery))), bytes(this.keys.revoked(queue)) },
				args.toArray(new byte[0][]));
	}

	private static void field(List<byte[]> args, String name, @Nullable String value) {
		if (value != null) {
			args.add(bytes(name));
			args.add(bytes(value));
		}
	}

	@Override
	public long deadLetterCount(String queue) {
		Long count = this.redis.execute((commands) -> commands.zcard(bytes(this.keys.dead(queue))));
		return (count != null) ? count : 0;
	}

	@Override
	public List<DeadLetter> deadLetters(String queue, int offset, int limit) {
		if (limit <= 0) {
			return List.of();
		}
		List<byte[]> ids = this.redis.execute((commands) -> commands.zrevrange(bytes(this.keys.dead(queue)), offset,
				offset + limit - 1));
		if (ids == null || ids.isEmpty()) {
			return List.of();
		}
		List<Map<byte[], byte[]>> hashes = this.redis.execute((commands) -> {
			List<CompletableFuture<Map<byte[], byte[]>>> futures = new ArrayList<>(ids.size());
			for (byte[] id : ids) {
				futures.add(commands.hgetall(bytes(this.keys.deadLetter(queue, string(id)))).toCompletableFuture());
			}
			return RedisAsync.all(futures).thenApply((ignored) -> futures.stream().map(CompletableFuture::join).toList());
		});
		List<DeadLetter> letters = new ArrayList<>(ids.size());
		for (int i = 0; i < ids.size(); i++) {
			DeadLetter letter = toDeadLetter(queue, string(ids.get(i)), hashes.get(i));
			if (letter != null) {
				letters.add(letter);
			}
		}
		return letters;
	}

	@Override
	public @Nullable DeadLetter deadLetter(String queue, String id) {
		Map<byte[], byte[]> hash = this.redis
			.execute((commands) -> commands.hgetall(bytes(this.keys.deadLetter(queue, id))));
		return toDeadLetter(queue, id, hash);
	}

	private static @Nullable DeadLetter toDeadLetter(String queue, String id, @Nullable Map<byte[], byte[]> hash) {
		if (hash == null || hash.isEmpty()) {
			return null;
		}
		Map<String, byte[]> fields = new HashMap<>();
		hash.forEach((field, value) -> fields.put(string(field), value));
		return new DeadLetter(id, queue, text(fields, "taskId"), text(fields, "name"),
				String.valueOf(text(fields, "reason")), text(fields, "errorType"), (int) number(fields, "attempts"),
				number(fields, "deliveries"), Instant.ofEpochMilli(number(fields, "deadAt")),
				fields.getOrDefault("payload", new byte[0]));
	}

	private static @Nullable String text(Map<String, byte[]> fields, String name) {
		byte[] value = fields.get(name);
		return (value != null) ? string(value) : null;
	}

	private static long number(Map<String, byte[]> fields, String name) {
		String value = text(fields, name);
		try {
			return (value != null) ? Long.parseLong(value) : 0L;
		}
		catch (NumberFormatException ex) {
			return 0L;
		}
	}

	@Override
	public boolean removeDeadLetter(String queue, String id, byte @Nullable [] payload) {
		return removeDeadLetter(queue, id, payload, 0);
	}

	@Override
	public boolean requeueDeadLetter(String queue, String id, byte[] payload, int priority) {
		return removeDeadLetter(queue, id, payload, priority);
	}

	@Override
	public boolean reserveDeadLetter(String queue, String id, Duration hold) {
		long now = System.currentTimeMillis();
		Long reserved = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, RESERVE_DEAD_LETTER,
				ScriptOutputType.INTEGER, new byte[][] { bytes(this.keys.deadLetter(queue, id)) }, number(now),
				number(now + hold.toMillis())));
		return reserved != null && reserved == 1L;
	}

	private boolean removeDeadLetter(String queue, String id, byte @Nullable [] payload, int priority) {
		Long removed = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, REMOVE_DEAD_LETTER,
				ScriptOutputType.INTEGER,
				new byte[][] { bytes(this.keys.dead(queue)), bytes(this.keys.deadLetter(queue, id)),
						bytes(this.keys.lane(queue, priority)), bytes(this.keys.tracked(queue)) },
				bytes(id), bytes((payload != null) ? "1" : "0"), (payload != null) ? payload : new byte[0],
				bytes(this.tracking ? "1" : "0")));
		return removed != null && removed == 1L;
	}

	private static byte[][] groupAndIds(List<Delivery> deliveries) {
		byte[][] args = new byte[deliveries.size() + 1][];
		args[0] = GROUP;
		for (int i = 0; i < deliveries.size(); i++) {
			args[i + 1] = bytes(deliveries.get(i).deliveryId());
		}
		return args;
	}

	@Override
	public Promotion promoteDue(String queue, Instant now, int limit) {
		byte[][] keys = new byte[RedisKeyspace.LANES + 2][];
		keys[0] = bytes(this.keys.delayed(queue));
		System.arraycopy(lanes(queue), 0, keys, 1, RedisKeyspace.LANES);
		keys[RedisKeyspace.LANES + 1] = bytes(this.keys.dead(queue));
		List<Object> result;
		try {
			result = this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands, PROMOTE,
				ScriptOutputType.MULTI, keys, number(now.toEpochMilli()), number(limit), number(LATEST_DUE),
				bytes(this.keys.deadLetterPrefix(queue))));
		}
		catch (RuntimeException ex) {
			throw this.keyTypes.translate(queue, this.limits.keySet(), ex);
		}
		for (int i = 2; i + 1 < result.size(); i += 2) {
			String id = string((byte[]) result.get(i));
			String reason = string((byte[]) result.get(i + 1));
			logger.warn(() -> "Set aside delayed entry of queue '" + queue + "' as dead letter " + id + ": " + reason);
		}
		int moved = ((Number) result.get(0)).intValue();
		String next = string((byte[]) result.get(1));
		return new Promotion(moved, dueTime(next));
	}

	private static @Nullable Instant dueTime(String score) {
		double due = switch (score) {
			case "" -> Double.NaN;
			case "inf", "+inf" -> Double.POSITIVE_INFINITY;
			case "-inf" -> Double.NEGATIVE_INFINITY;
			default -> Double.parseDouble(score);
		};
		if (Double.isNaN(due) || due > LATEST_DUE) {
			return null;
		}
		return Instant.ofEpochMilli((long) Math.max(due, 0));
	}

	@Override
	public void setTracking(boolean tracking) {
		this.tracking = tracking;
	}

	@Override
	public java.util.Set<String> findHeld(String queue, java.util.Collection<String> taskIds) {
		if (taskIds.isEmpty()) {
			return java.util.Set.of();
		}
		List<String> ids = List.copyOf(taskIds);
		byte[][] members = ids.stream().map(RedisAsync::bytes).toArray(byte[][]::new);
		List<Boolean> held = this.redis
			.execute((commands) -> commands.smismember(bytes(this.keys.tracked(queue)), members));
		java.util.Set<String> result = new java.util.HashSet<>();
		for (int i = 0; i < ids.size(); i++) {
			if (Boolean.TRUE.equals(held.get(i))) {
				result.add(ids.get(i));
			}
		}
		return result;
	}

	@Override
	public void setPaused(String queue, boolean paused) {
		byte[] key = bytes(this.keys.paused(queue));
		if (paused) {
			this.redis.execute((commands) -> commands.set(key, bytes("1")));
		}
		else {
			this.redis.execute((commands) -> commands.del(key));
		}
	}

	@Override
	public boolean isPaused(String queue) {
		Long exists = this.redis.execute((commands) -> commands.exists(bytes(this.keys.paused(queue))));
		return exists != null && exists > 0;
	}

	@Override
	public void revoke(String queue, String taskId, Instant at) {
		this.redis.execute((commands) -> RedisAsync.<Long>script(commands, REVOKE, ScriptOutputType.INTEGER,
				new byte[][] { bytes(this.keys.revoked(queue)) }, bytes(taskId), number(at.toEpochMilli()),
				number(at.minus(this.deadLetterMaxAge).toEpochMilli())));
	}

	@Override
	public void requestCancellation(String taskId) {
		this.redis.execute((commands) -> commands.publish(bytes(this.keys.cancelChannel()), bytes(taskId)));
	}

	@Override
	public AutoCloseable onCancellation(java.util.function.Consumer<String> listener) {
		// subscribes again by itself when Redis is down now, so that cancelling works once it is back
		return RedisChannelListener.listen(this.redis.getConnectionFactory(), this.keys.cancelChannel(),
				"cancellation requests", (body) -> listener.accept(string(body)), Duration.ofSeconds(1));
	}

	@Override
	public QueueInfo inspect(String queue, Instant now) {
		byte[][] keys = new byte[RedisKeyspace.LANES + 5][];
		System.arraycopy(lanes(queue), 0, keys, 0, RedisKeyspace.LANES);
		keys[11] = bytes(this.keys.delayed(queue));
		keys[12] = bytes(this.keys.dead(queue));
		keys[13] = bytes(this.keys.paused(queue));
		keys[14] = bytes(this.keys.consumers(queue));
		keys[15] = bytes(this.keys.limited(queue));
		List<Object> result;
		try {
			result = this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands, INSPECT,
				ScriptOutputType.MULTI, keys, GROUP, number(now.toEpochMilli()), bytes(this.keys.queuePrefix(queue))));
		}
		catch (RuntimeException ex) {
			throw this.keyTypes.translate(queue, this.limits.keySet(), ex);
		}
		List<QueueInfo.ConsumerInfo> consumers = new ArrayList<>();
		List<?> flat = (List<?>) result.get(6);
		for (int i = 0; i + 2 < flat.size(); i += 3) {
			consumers.add(new QueueInfo.ConsumerInfo(string((byte[]) flat.get(i)), ((Number) flat.get(i + 1)).longValue(),
					(long) Double.parseDouble(string((byte[]) flat.get(i + 2)))));
		}
		return new QueueInfo(queue, longAt(result, 0), longAt(result, 2), longAt(result, 1), longAt(result, 5),
				longAt(result, 3), longAt(result, 4) > 0, consumers);
	}

	private static long longAt(List<Object> values, int index) {
		return ((Number) values.get(index)).longValue();
	}

	@Override
	public @Nullable Delivery peek(String queue, boolean first) {
		List<Object> result = this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands, PEEK,
				ScriptOutputType.MULTI, lanes(queue), GROUP, bytes(first ? "1" : "0")));
		if (result == null || result.isEmpty()) {
			return null;
		}
		return new Delivery(queue, ((Number) result.get(0)).intValue(), string((byte[]) result.get(1)),
				(byte[]) result.get(2), 0, null);
	}

	@Override
	public List<DelayedEntry> delayed(String queue, int offset, int limit) {
		if (limit <= 0) {
			return List.of();
		}
		List<ScoredValue<byte[]>> members = this.redis.execute((commands) -> commands
			.zrangeWithScores(bytes(this.keys.delayed(queue)), offset, (long) offset + limit - 1));
		if (members == null) {
			return List.of();
		}
		List<DelayedEntry> entries = new ArrayList<>(members.size());
		for (ScoredValue<byte[]> member : members) {
			byte[] value = member.getValue();
			int lane = laneTag(value);
			byte[] payload = (lane == 0) ? value : Arrays.copyOfRange(value, (lane < 10) ? 2 : 3, value.length);
			entries.add(new DelayedEntry(queue, lane, payload, Instant.ofEpochMilli((long) member.getScore())));
		}
		return entries;
	}

	/**
	 * The lane a delayed member is tagged with, as the {@code split} function of the scripts
	 * reads it.
	 */
	private static int laneTag(byte[] member) {
		if (member.length < 2 || member[0] == '{') {
			return 0;
		}
		int bar = (member[1] == '|') ? 1 : (member.length > 2 && member[2] == '|') ? 2 : -1;
		if (bar < 0) {
			return 0;
		}
		int lane = 0;
		for (int i = 0; i < bar; i++) {
			if (member[i] < '0' || member[i] > '9') {
				return 0;
			}
			lane = lane * 10 + (member[i] - '0');
		}
		return (lane < RedisKeyspace.LANES) ? lane : 0;
	}

	private final class StreamConsumer implements Consumer {

		private final String queue;

		private final byte[][] lanesHighFirst;

		private final byte[] consumerName;

		private final byte[] prefix;

		private final byte[] deadPrefix;

		private @Nullable RedisConnection connection;

		private volatile boolean paused;

		private volatile @Nullable List<?> lastIds;

		StreamConsumer(String queue, String consumerName) {
			this.queue = queue;
			byte[][] lanes = lanes(queue);
			this.lanesHighFirst = new byte[lanes.length + 3][];
			for (int i = 0; i < lanes.length; i++) {
				this.lanesHighFirst[i] = lanes[lanes.length - 1 - i];
			}
			this.lanesHighFirst[lanes.length] = bytes(RedisTaskBroker.this.keys.paused(queue));
			this.lanesHighFirst[lanes.length + 1] = bytes(RedisTaskBroker.this.keys.revoked(queue));
			this.lanesHighFirst[lanes.length + 2] = bytes(RedisTaskBroker.this.keys.dead(queue));
			this.deadPrefix = bytes(RedisTaskBroker.this.keys.deadLetterPrefix(queue));
			this.consumerName = bytes(consumerName);
			this.prefix = bytes(RedisTaskBroker.this.keys.queuePrefix(queue));
		}

		@Override
		public List<Delivery> fetch(int max) {
			List<Object> result = fetchNow(max);
			if (((Number) result.get(0)).intValue() == 1) {
				this.paused = true;
				this.lastIds = null;
				return List.of();
			}
			this.paused = false;
			List<?> entries = (List<?>) result.get(1);
			List<?> last = (List<?>) result.get(2);
			this.lastIds = (entries.isEmpty() && !last.isEmpty()) ? last : null;
			RedisTaskBroker.this.keyTypes.found(this.queue, (List<?>) result.get(3));
			return deliveries(entries);
		}

		@Override
		public void awaitMessages(Duration wait) {
			List<?> lastIds = this.lastIds;
			if (this.paused || lastIds == null) {
				// paused: look again after a while, as resuming a queue wakes nobody
				sleep(wait);
				return;
			}
			this.lastIds = null;
			awaitEntries(lastIds, wait);
		}

		private List<Object> fetchNow(int max) {
			long now = System.currentTimeMillis();
			Map<String, TaskLimit> limits = RedisTaskBroker.this.limits;
			List<byte[]> args = new ArrayList<>(7 + limits.size() * 4);
			args.add(GROUP);
			args.add(this.consumerName);
			args.add(number(max));
			args.add(number(now));
			args.add(number(now + RedisTaskBroker.this.leaseTime.toMillis()));
			args.add(this.prefix);
			args.add(this.deadPrefix);
			args.add(number(limits.size()));
			limits.forEach((name, limit) -> {
				args.add(bytes(name));
				args.add(number(limit.concurrency()));
				args.add(number(limit.rate()));
				args.add(number((limit.ratePeriod() != null) ? limit.ratePeriod().toMillis() : 0));
			});
			return RedisTaskBroker.this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands, FETCH,
					ScriptOutputType.MULTI, this.lanesHighFirst, args.toArray(new byte[0][])));
		}

		private List<Delivery> deliveries(List<?> entries) {
			List<Delivery> deliveries = new ArrayList<>(entries.size() / 5);
			for (int i = 0; i + 4 < entries.size(); i += 5) {
				byte[] name = (byte[]) entries.get(i + 4);
				deliveries.add(new Delivery(this.queue, ((Number) entries.get(i)).intValue(),
						string((byte[]) entries.get(i + 1)), (byte[]) entries.get(i + 2),
						((Number) entries.get(i + 3)).longValue(), (name.length > 0) ? string(name) : null));
			}
			return deliveries;
		}

		/**
		 * Block until an entry arrives in any lane after the group's last delivered id, or
		 * the wait is over.
		 */
		private boolean awaitEntries(List<?> lastIds, Duration wait) {
			RedisConnection connection = this.connection;
			if (connection == null || connection.isClosed()) {
				// opened here, not when the consumer is created, so that a failure is one the fetcher retries
				connection = RedisTaskBroker.this.redis.getConnectionFactory().getConnection();
				this.connection = connection;
			}
			List<StreamOffset<byte[]>> readable = new ArrayList<>(lastIds.size());
			for (int i = 0; i < lastIds.size(); i++) {
				String last = string((byte[]) lastIds.get(i));
				// a lane whose key holds another type is left out, or XREAD would fail for all
				if (!last.isEmpty()) {
					readable.add(StreamOffset.create(this.lanesHighFirst[i], ReadOffset.from(last)));
				}
			}
			if (readable.isEmpty()) {
				sleep(wait);
				return false;
			}
			StreamOffset<byte[]>[] offsets = readable.toArray(new StreamOffset[0]);
			try {
				List<ByteRecord> records = connection.streamCommands()
					.xRead(StreamReadOptions.empty().count(1).block(wait), offsets);
				return records != null && !records.isEmpty();
			}
			catch (DataAccessException ex) {
				reconnect();
				throw ex;
			}
		}

		private void sleep(Duration wait) {
			try {
				Thread.sleep(Math.min(wait.toMillis(), 1000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private void reconnect() {
			try {
				close();
			}
			catch (RuntimeException ex) {
				logger.trace(ex, "Failed to close connection");
			}
		}

		@Override
		public void close() {
			RedisConnection connection = this.connection;
			this.connection = null;
			if (connection != null) {
				connection.close();
			}
		}

	}

}
