-- the case as the environment of a loaded chunk: globals write into it
function check(case)
  load("state = 'signed_off'", "x", "t", case)()
end
