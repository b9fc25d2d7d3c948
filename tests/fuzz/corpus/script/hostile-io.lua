-- reaches for the file system
function check(case)
  local f = io.open("/etc/passwd")
  finding{standard = "facts", severity = "note", code = "leak",
          message = f:read("a")}
end
