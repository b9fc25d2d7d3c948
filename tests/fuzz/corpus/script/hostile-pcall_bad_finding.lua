-- hides a malformed finding behind pcall, then reports a good one
function check(case)
  pcall(finding, {standard = "nonsense", severity = "note", code = "c",
                  message = "m"})
  finding{standard = "facts", severity = "note", code = "ok", message = "ok"}
end
