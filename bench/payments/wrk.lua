-- wrk script for bench/run-payments.sh. Configured by environment variables:
--   CW_MODE     pay (POST /api/v1/wallets/{id}/payments, default) | wallet (GET /api/v1/wallets/{id})
--               | history (GET /api/v1/wallets/{id}/transactions, first page)
--               | transfer (POST /api/v1/transfers from a random wallet, with its owner's key, to another random one)
--   CW_WALLETS  file with one "walletId apiKey" per line; each request picks a random line and uses that wallet's own
--               customer key (every request is authenticated and rate limited per key, as in production)
--   CW_RUN      a run id, part of every Idempotency-Key (so keys never repeat across runs or threads)
--   CW_RATE     0 (default): closed loop, as fast as the server answers. N > 0: paced at N requests/s in total,
--               spread evenly over wrk's threads (see delay() below)
--   CW_AMOUNT   payment amount (default 1.25, as the SQL anchors)
--   CW_HISTORY_QUERY  appended to the history page's path, e.g. "?pageSize=1" (default: none, the first page of 20)
-- done() prints one machine-readable line: "CWRESULT key=value ...", with every HTTP status counted.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } cw_timespec;
  int clock_gettime(int clk_id, cw_timespec *tp);
]]
local ts = ffi.new("cw_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local mode = os.getenv("CW_MODE") or "pay"
local run = os.getenv("CW_RUN") or tostring(os.time())
local rate = tonumber(os.getenv("CW_RATE") or "0") or 0
local amount = os.getenv("CW_AMOUNT") or "1.25"
local history_query = os.getenv("CW_HISTORY_QUERY") or ""
local wallets_file = os.getenv("CW_WALLETS") or error("CW_WALLETS is not set")

-- Main state: number the threads so each one has its own Idempotency-Key prefix and random seed.
local threads = {}
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end

-- Thread state.
local wallets = {}
local n = 0
local sent = 0
counts = {}
local body = '{"amount":' .. amount .. ',"description":"bench"}'
local interval_ms = 0
local next_ms = nil

function init(args)
  for line in io.lines(wallets_file) do
    local id, key = line:match("^(%S+)%s+(%S+)$")
    if id then
      n = n + 1
      wallets[n] = { id = id, path = "/api/v1/wallets/" .. id, auth = "Bearer " .. key }
    end
  end
  if n == 0 then error("no wallets in " .. wallets_file) end
  if mode == "transfer" and n < 2 then error("transfers need two wallets or more in " .. wallets_file) end
  math.randomseed((tid or 1) * 7919 + os.time())
  local per_thread = rate / (tonumber(os.getenv("CW_THREADS") or "2") or 2)
  if per_thread > 0 then interval_ms = 1000 / per_thread end
end

function request()
  sent = sent + 1
  local i = math.random(1, n)
  local w = wallets[i]
  if mode == "pay" then
    return wrk.format("POST", w.path .. "/payments", {
      ["Authorization"] = w.auth,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. sent,
    }, body)
  elseif mode == "transfer" then
    local j = math.random(1, n - 1)
    if j >= i then j = j + 1 end
    return wrk.format("POST", "/api/v1/transfers", {
      ["Authorization"] = w.auth,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. sent,
    }, '{"fromWalletId":"' .. w.id .. '","toWalletId":"' .. wallets[j].id .. '","amount":' .. amount .. ',"description":"bench"}')
  elseif mode == "wallet" then
    return wrk.format("GET", w.path, { ["Authorization"] = w.auth }, nil)
  else
    return wrk.format("GET", w.path .. "/transactions" .. history_query, { ["Authorization"] = w.auth }, nil)
  end
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

-- Pacing: each thread sends on its own fixed schedule (rate / threads per second). A request is sent at its slot, or
-- at once when the thread is behind; wrk's latency is measured from the send, so this is a paced (rate-limited)
-- closed loop with 32 connections, not a fully open loop (a slow answer can still delay the slots behind it on that
-- connection, but the other connections keep the schedule).
if rate > 0 then
  function delay()
    local t = now_ms()
    if next_ms == nil then next_ms = t end
    local slot = next_ms
    next_ms = next_ms + interval_ms
    if slot <= t then return 0 end
    return math.floor(slot - t)
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, count in pairs(c) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {
    "CWRESULT",
    "mode=" .. mode,
    "requests=" .. summary.requests,
    "duration_us=" .. summary.duration,
    "p50_us=" .. latency:percentile(50),
    "p90_us=" .. latency:percentile(90),
    "p99_us=" .. latency:percentile(99),
    "max_us=" .. latency.max,
    "err_connect=" .. summary.errors.connect,
    "err_read=" .. summary.errors.read,
    "err_write=" .. summary.errors.write,
    "err_status=" .. summary.errors.status,
    "err_timeout=" .. summary.errors.timeout,
  }
  for status, count in pairs(total) do
    table.insert(parts, "s" .. status .. "=" .. count)
  end
  io.write(table.concat(parts, " ") .. "\n")
end
