// The Lua run inside Redis. A script executes atomically, so check-then-write (is there room? then
// add) cannot interleave with another replica's, and each operation costs one round trip.
import { createHash } from "node:crypto";

export interface LuaScript {
  source: string;
  /** EVALSHA sends the digest instead of the source once Redis has the script cached. */
  sha: string;
}

function lua(source: string): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * KEYS[1] window (sorted set, score = event time). ARGV: limit, windowMs, nowMs, unique member,
 * cutoff (nowMs − windowMs, computed by the caller because Lua would format a 14-digit number in
 * exponent form). Returns {allowed, count[, oldest, newest]}; refused calls are not added.
 */
export const consumeRateLimitScript = lua(`
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[5])
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, ARGV[3], ARGV[4])
  count = count + 1
  allowed = 1
end
if count == 0 then
  return {allowed, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2]
if allowed == 1 then
  redis.call('PEXPIRE', key, math.max(1, tonumber(newest) + window - now))
end
return {allowed, count, oldest, newest}
`);

/**
 * KEYS counters. ARGV: amount, then (cap, ttlMs) per key. Checks every counter before touching any,
 * so the reservation is all-or-nothing. Returns {refusedIndex (0-based, -1 when admitted), totals…}.
 */
export const reserveAllScript = lua(`
local amount = tonumber(ARGV[1])
local totals = {}
local refused = -1
for index, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key) or '0')
  totals[index] = current
  if refused == -1 and current + amount > tonumber(ARGV[index * 2]) then
    refused = index - 1
  end
end
if refused == -1 then
  for index, key in ipairs(KEYS) do
    totals[index] = redis.call('INCRBY', key, ARGV[1])
    if redis.call('PTTL', key) == -1 then
      redis.call('PEXPIRE', key, ARGV[index * 2 + 1])
    end
  end
end
local reply = {refused}
for index = 1, #totals do
  reply[index + 1] = totals[index]
end
return reply
`);

/**
 * KEYS counters. ARGV: delta. Adjusts the ones that exist and returns their totals (0 for a missing
 * one): a missing counter's period has ended, and recreating it would leave a key without expiry.
 */
export const adjustAllScript = lua(`
local totals = {}
for index, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    totals[index] = redis.call('INCRBY', key, ARGV[1])
  else
    totals[index] = 0
  end
end
return totals
`);
