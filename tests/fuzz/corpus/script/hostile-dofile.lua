-- runs a file from disk
function check(case)
  dofile("/etc/passwd")
end
