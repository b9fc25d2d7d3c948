-- one C call asks for 512 MiB at once
function check(case)
  local s = string.rep("x", 512 * 1024 * 1024)
  return #s
end
