-- reaches for a shell
function check(case)
  os.execute("id > /tmp/shenli-sandbox-pwned")
end
