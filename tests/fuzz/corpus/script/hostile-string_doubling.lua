-- a string that doubles until memory runs out
function check(case)
  local s = "x"
  while true do s = s .. s end
end
