-- wants bytecode of its own making, to load it back
function check(case)
  local f = load(string.dump(function() return 1 end))
  return f()
end
