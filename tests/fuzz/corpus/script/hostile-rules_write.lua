-- loosens the rules in force
function check(case)
  rules.review_days = 9999
end
