-- wrk script: each request POSTs a Service with a name no other request uses (random run prefix,
-- thread number, counter) into the namespace given as the script's first argument.
-- Used by wrk-creates.ts: wrk -s wrk-create.lua <url> -- <namespace>
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
local prefix = ""
local path = ""
function init(args)
  math.randomseed(os.time() + tid * 7919)
  prefix = string.format("%x", math.random(0, 2 ^ 30))
  path = "/api/v1/namespaces/" .. args[1] .. "/services"
end

request = function()
  counter = counter + 1
  local name = "w-" .. prefix .. "-" .. tid .. "-" .. counter
  local body = '{"apiVersion":"v1","kind":"Service","metadata":{"name":"' .. name .. '","labels":{"app":"' .. name ..
    '"}},"spec":{"selector":{"app":"' .. name .. '"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}'
  return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }, body)
end
