-- wrk script for bench/load.py: one connection per wrk thread, each a logged-in user.
--
--   wrk -t8 -c8 -d10s -s bench/load.lua http://127.0.0.1:8100 -- <users file> <mode>
--
-- The users file (written by load.py) has one tab-separated line per user:
--   get:      path, cookie
--   rate:     path, cookie, csrf token, cards as "question:version:reps,..."
--   autosave: path, cookie, csrf token, revision, answer field (e.g. "choice")
-- Modes:
--   get       GET path; anything but 200 is a failure (a redirect to the login page would be).
--   rate      POST a Good rating of the user's next flashcard; 302 expected; the card's review
--             count goes up by one, so the next rating of that card is not stale.
--   autosave  POST an answer that alternates between the first two choices, with the revision
--             the last reply gave; anything but {"status": "saved"} is a failure.
-- done() prints one JSON line that load.py reads.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(text, sep)
  local out = {}
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do
    table.insert(out, part)
  end
  return out
end

function init(args)
  local lines = {}
  for line in io.lines(args[1]) do
    table.insert(lines, line)
  end
  mode = args[2]
  local f = split(lines[(id % #lines) + 1], "\t")
  path, cookie = f[1], f[2]
  failures = 0
  first_failure = ""
  if mode == "rate" then
    csrf = f[3]
    cards = {}
    for _, item in ipairs(split(f[4], ",")) do
      local q = split(item, ":")
      table.insert(cards, { question = q[1], version = q[2], reps = tonumber(q[3]) })
    end
    card = 1
  elseif mode == "autosave" then
    csrf, revision, field = f[3], tonumber(f[4]), f[5]
    choice = 1
  end
end

local form_headers = function()
  return {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
end

function request()
  if mode == "get" then
    return wrk.format("GET", path, { ["Cookie"] = cookie })
  elseif mode == "rate" then
    local c = cards[card]
    local body = "csrfmiddlewaretoken=" .. csrf .. "&action=rate&rating=3"
      .. "&question_id=" .. c.question .. "&version=" .. c.version .. "&reps=" .. c.reps
    return wrk.format("POST", path, form_headers(), body)
  else
    local body = "csrfmiddlewaretoken=" .. csrf .. "&revision=" .. revision
      .. "&" .. field .. "=" .. choice
    return wrk.format("POST", path, form_headers(), body)
  end
end

local function fail(status, body)
  failures = failures + 1
  if first_failure == "" then
    first_failure = status .. " " .. string.sub(body or "", 1, 200)
  end
end

function response(status, headers, body)
  if mode == "get" then
    if status ~= 200 then fail(status, body) end
  elseif mode == "rate" then
    if status == 302 then
      cards[card].reps = cards[card].reps + 1
      card = (card % #cards) + 1
    else
      fail(status, body)
    end
  else
    local saved = status == 200 and string.find(body, '"status": "saved"', 1, true)
    local next_revision = string.match(body or "", '"revision": (%d+)')
    if next_revision then revision = tonumber(next_revision) end
    if saved then
      choice = 3 - choice
    else
      fail(status, body)
    end
  end
end

function done(summary, latency, requests)
  local failed = 0
  local first = ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    local f = thread:get("first_failure")
    if first == "" and f ~= "" then first = f end
  end
  local e = summary.errors
  first = string.gsub(first, '[%c"\\]', " ")
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f, '
      .. '"socket_errors": %d, "status_errors": %d, "failed": %d, "first_failure": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, e.connect + e.read + e.write + e.timeout, e.status, failed, first))
end
