-- wrk's script for bench/load.py: the requests of logged-in inspectors, one kind per run.
--
-- bench/load.py writes the clients (session cookie, CSRF token, inspection, answers with
-- their current versions) to a Lua file named by LOAD_CONFIG, and the kind of request
-- (LOAD_MODE: bare, page or autosave). wrk runs this script in one thread; every request
-- goes out as the next client in turn, with that client's cookies.
--
-- Autosaves walk the (answer, client) pairs in turn. As the checklist's script does, a
-- client sends an answer's next save only once the previous one is answered, with the
-- version that reply gave (a pair still waiting is passed over). Each save carries a new
-- idempotency key. Every 200 reply's answer and version are recorded; done() prints them
-- with the counts as one JSON line, which bench/load.py checks against the database.

local config = dofile(os.getenv("LOAD_CONFIG"))
local mode = os.getenv("LOAD_MODE")
local run = tonumber(os.getenv("LOAD_RUN") or "0")

local thread_handles = {}

function setup(thread)
   table.insert(thread_handles, thread)
end

local clients = config.clients
local pairs_ = {}
local answers_by_id = {}
local turn = 0
-- Globals, so that done() can read them from the thread (thread:get).
sent = 0
replied = {}
statuses = {}

function init(args)
   if mode == "autosave" then
      local longest = 0
      for _, client in ipairs(clients) do
         longest = math.max(longest, #client.answers)
      end
      for a = 1, longest do
         for _, client in ipairs(clients) do
            local answer = client.answers[a]
            if answer then
               table.insert(pairs_, {client = client, answer = answer})
               answers_by_id[tostring(answer.id)] = answer
            end
         end
      end
   end
end

local function cookie(client)
   return "csrftoken=" .. client.csrf .. "; sessionid=" .. client.session
end

-- One request per connection, as a proxy in front of gunicorn sends them (nginx speaks
-- HTTP/1.0 to its upstream unless told otherwise): each connection is accepted by whichever
-- worker is free. Kept-alive connections would each stay with the worker that first
-- accepted them, however busy it is.
local connection = os.getenv("LOAD_KEEPALIVE") and "keep-alive" or "close"

function request()
   turn = turn + 1
   if mode == "autosave" then
      local pair = pairs_[(turn - 1) % #pairs_ + 1]
      for _ = 1, #pairs_ do
         if not pair.answer.pending then break end
         turn = turn + 1
         pair = pairs_[(turn - 1) % #pairs_ + 1]
      end
      local answer = pair.answer
      answer.pending = true
      sent = sent + 1
      local key = string.format("%08x-%04x-4000-8000-%012x", run, 0, sent)
      local body = "result=" .. ((sent % 2 == 1) and "partial" or "conforming")
         .. "&note=Ghi+ch%C3%BA+" .. sent
         .. "&version=" .. answer.version
         .. "&key=" .. key
      return wrk.format("POST", "/inspections/" .. pair.client.inspection .. "/answers/"
         .. answer.id .. "/", {
            ["Cookie"] = cookie(pair.client),
            ["X-CSRFToken"] = pair.client.csrf,
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["Connection"] = connection,
         }, body)
   end
   local client = clients[(turn - 1) % #clients + 1]
   local path = (mode == "page") and ("/inspections/" .. client.inspection .. "/")
      or "/accounts/login/"
   return wrk.format("GET", path, {["Cookie"] = cookie(client), ["Connection"] = connection})
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if mode == "autosave" then
      -- A save's reply names its answer: the saved one (200) or the current one (409).
      local id = string.match(body, '"id": *(%d+)')
      local version = string.match(body, '"version": *(%d+)')
      local answer = id and answers_by_id[id]
      if answer then
         answer.pending = false
         answer.version = tonumber(version)
      end
      if status == 200 then
         table.insert(replied, id .. ":" .. version)
      end
   end
end

function done(summary, latency, requests)
   local out = {}
   local function add(text) table.insert(out, text) end
   add(string.format('{"requests": %d, "seconds": %.6f', summary.requests,
      summary.duration / 1e6))
   add(string.format(', "socket_errors": %d', summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
   add(string.format(', "p50": %.3f, "p95": %.3f, "p99": %.3f', latency:percentile(50) / 1000,
      latency:percentile(95) / 1000, latency:percentile(99) / 1000))
   local sent_total, codes, saves = 0, {}, {}
   for _, thread in ipairs(thread_handles) do
      sent_total = sent_total + (thread:get("sent") or 0)
      for code, count in pairs(thread:get("statuses") or {}) do
         codes[code] = (codes[code] or 0) + count
      end
      for _, record in ipairs(thread:get("replied") or {}) do
         table.insert(saves, '"' .. record .. '"')
      end
   end
   local parts = {}
   for code, count in pairs(codes) do
      table.insert(parts, string.format('"%d": %d', code, count))
   end
   add(', "statuses": {' .. table.concat(parts, ", ") .. "}")
   add(string.format(', "sent": %d, "saved": [', sent_total) .. table.concat(saves, ", ") .. "]}")
   io.write("RESULT " .. table.concat(out) .. "\n")
end
