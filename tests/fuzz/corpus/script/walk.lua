-- reads the whole view as a built-in script would, and reports what it saw
local function list(t)
  if type(t) == "table" then return t end
  return {}
end

function check(case)
  -- views are tables, read-only, one per node
  assert(type(case) == "table" and type(case.facts) == "table")
  assert(case.facts == case.facts and case.facts[1] == case.facts[1])
  assert(getmetatable(case) == false and next(case) == nil)
  assert(tostring(case) == "case (read-only)")
  assert(case.no_such_field == nil and case.facts[0] == nil)
  assert(case.facts[1.0] == case.facts[1] and case.facts["1"] == nil)
  assert(#case.subject == 0 and case.accepted_on == nil)
  assert(math.type(case.facts[1].amount_yuan) == "integer")
  assert(math.type(case.score) == "float" and case.score == 0.5)
  assert(case.checked == true and case.subject.party_member == true)

  local evidence = {}
  for i, e in ipairs(list(case.evidence)) do evidence[i] = e.id end
  local keys = {}
  for k in pairs(case.subject) do keys[#keys + 1] = k end
  local fact = case.facts[1]
  local head = fact.summary:sub(1, utf8.offset(fact.summary, 6) - 1)
  local cited = table.concat(fact.evidence, "+")
  local team = 0
  for _, m in pairs(case.team) do
    if m.role == "member" then team = team + 1 end
  end
  finding{
    standard = "facts", severity = "note", code = "walked",
    message = string.format("%s：%d 项事实，证据 %s，引用 %s，组员 %d，%s",
      case.case_id, #case.facts, table.concat(evidence, ","), cited, team,
      table.concat(keys, ",")),
    refs = fact.evidence,
    outline_item = "核实" .. head,
  }
  finding{standard = "procedure", severity = "warning", code = "rules",
          message = "规则 " .. rules.name .. " 第 " .. rules.version .. " 版"}
end
