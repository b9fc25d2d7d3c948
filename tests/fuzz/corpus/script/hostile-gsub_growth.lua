-- gsub whose result grows inside the C call (1 MiB in, 256 MiB out)
function check(case)
  local s = string.rep("x", 1024 * 1024)
  local r = s:gsub("x", string.rep("y", 256))
  return #r
end
