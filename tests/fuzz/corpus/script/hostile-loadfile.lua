-- compiles a file from disk
function check(case)
  loadfile("/etc/passwd")()
end
