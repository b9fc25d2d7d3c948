-- grows a table without end: the allocator's cap must end it
function check(case)
  local t = {}
  for i = 1, math.maxinteger do t[i] = i end
end
