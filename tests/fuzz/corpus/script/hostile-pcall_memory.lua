-- swallows the memory limit with pcall and tries again
function check(case)
  while true do
    pcall(function()
      local t = {}
      for i = 1, math.maxinteger do t[i] = i end
    end)
  end
end
