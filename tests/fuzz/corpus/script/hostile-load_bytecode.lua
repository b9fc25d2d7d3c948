-- hand-made bytecode in a string, and a mode that asks for binary
function check(case)
  local f = load("\27Lua\84\0\25\147\13\10\26\10\4\8\8", "x", "b")
  return f()
end
