-- rewrites a nested part of the case
function check(case)
  case.facts[1].id = "F9"
end
