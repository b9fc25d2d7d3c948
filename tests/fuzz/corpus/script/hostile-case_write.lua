-- rewrites the case it is checking
function check(case)
  case.state = "signed_off"
end
