-- reaches for a module loader
function check(case)
  local socket = require("socket")
  return socket
end
