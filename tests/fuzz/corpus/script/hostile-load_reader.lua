-- a reader function could hand load() binary chunks piecewise
function check(case)
  local parts = {"\27Lua", "\84\0"}
  local i = 0
  local f = load(function() i = i + 1; return parts[i] end)
  return f()
end
