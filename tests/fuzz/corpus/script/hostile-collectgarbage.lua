-- drives the collector (only "count" is allowed)
function check(case)
  assert(type(collectgarbage("count")) == "number")
  collectgarbage("collect")
end
