-- defines no check(case)
function chekc(case)
  return true
end
