-- the string metatable would let a script change every string's methods
function check(case)
  local idx = getmetatable("").__index
  idx.upper = function() return "pwned" end
end
