-- unbounded recursion (not a tail call): stack overflow or memory
local function down(n) return 1 + down(n + 1) end
function check(case)
  return down(1)
end
