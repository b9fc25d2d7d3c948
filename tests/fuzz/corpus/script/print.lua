-- print goes to a bounded buffer, not to the host's stdout
function check(case)
  print("开始", 1, 2.5, true, nil, case)
  print()
  for i = 1, 10000 do print(string.rep("x", 20)) end
end
