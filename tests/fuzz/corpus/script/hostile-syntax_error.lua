-- does not compile
function check(case)
  if then end
end
