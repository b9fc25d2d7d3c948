-- finalizers run with hooks off: a looping __gc would escape the limits
function check(case)
  setmetatable({}, {__gc = function() while true do end end})
  collectgarbage("count")
end
