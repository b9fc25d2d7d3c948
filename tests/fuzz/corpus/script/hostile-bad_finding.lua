-- a severity that does not exist
function check(case)
  finding{standard = "facts", severity = "fatal", code = "x", message = "y"}
end
