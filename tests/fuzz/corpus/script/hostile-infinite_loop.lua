-- never returns: the instruction budget (or the clock) must end it
function check(case)
  while true do end
end
