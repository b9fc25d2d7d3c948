-- reaches for the registry and upvalues
function check(case)
  local r = debug.getregistry()
  return r
end
