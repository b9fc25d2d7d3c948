-- the same with xpcall and a message handler that loops too
function check(case)
  while true do
    xpcall(function() while true do end end,
           function() while true do end end)
  end
end
