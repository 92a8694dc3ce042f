-- wrk script: PIPELINE (default 16) requests of wrk.path in one write.
local depth = tonumber(os.getenv("PIPELINE") or "16")
local batch
init = function(args)
  local requests = {}
  for i = 1, depth do requests[i] = wrk.format(nil, wrk.path) end
  batch = table.concat(requests)
end
request = function() return batch end
