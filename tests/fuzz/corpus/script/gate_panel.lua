-- gate_panel.lua - sign-off gate: the panel's collective opinion agrees
-- with itself, with the subject and with the facts, by the rules in force.
--
-- Findings:
--   form_sanction_mismatch     classification  blocker
--       the form (四种形态) and the sanctions disagree (rules.forms): a
--       form without sanction (no_sanction) that gives one, a form whose
--       party/gov lists lack a sanction given, a sanctioning form with none
--   party_gov_mismatch         disposal        blocker
--       both sanctions given, and rules.party_gov_agreement does not list
--       the government sanction for the party one
--   sanction_subject_mismatch  disposal        blocker
--       a party sanction for a non-member, a government sanction for
--       someone who is not a public official (one finding each)
--   eight_point_mismatch       classification  blocker
--       eight_point_rules true while no fact's violation is "yes" or
--       "depends" in rules.violations, or false while one is "yes"
--   discipline_missing         classification  warning
--       a fact's violation belongs to a discipline the opinion omits (one
--       finding per discipline, refs the facts)
--
-- Without a panel opinion there is nothing to check (gate_opinions says
-- it is missing). Never errors on a well-formed view.

local DISCIPLINES = {
  political = "政治", organizational = "组织", integrity = "廉洁",
  mass = "群众", work = "工作", life = "生活",
}

-- the rules in force; without any, nothing can be confirmed and the
-- opinion is held up (form_sanction_mismatch, eight_point_mismatch)
local R = {}

local function list(t)
  if type(t) == "table" then return t end
  return {}
end

local function contains(t, v)
  for _, x in ipairs(list(t)) do
    if x == v then return true end
  end
  return false
end

-- a sanction's name, or nil when none is given (null, absent or "")
local function sanction(v)
  if type(v) == "string" and v ~= "" then return v end
  return nil
end

local function add_ref(refs, id)
  if type(id) == "string" and #id >= 1 and #id <= 64 and #refs < 64 then
    refs[#refs + 1] = id
  end
end

local function report(standard, severity, code, message, refs)
  finding{
    standard = standard, severity = severity, code = code,
    message = message, refs = refs or {},
  }
end

local function check_form(panel, party, gov)
  local form, entry = panel.form, nil
  for _, f in ipairs(list(R.forms)) do
    if type(f) == "table" and f.form == form then entry = f end
  end
  local function mismatch(message)
    report("classification", "blocker", "form_sanction_mismatch", message)
  end
  if entry == nil then
    mismatch(string.format("集体审议意见的处理形态（%s）不是规则所列的形态",
      type(form) == "number" and tostring(form) or "未填写"))
    return
  end
  local zh = type(entry.zh) == "string" and entry.zh
    or string.format("第%s种形态", tostring(form))
  if entry.no_sanction == true then
    if party or gov then
      mismatch(string.format("集体审议意见定为%s，却给予了%s%s%s处分", zh,
        party or "", party and gov and "、" or "", gov or ""))
    end
    return
  end
  if not party and not gov then
    mismatch(string.format("集体审议意见定为%s，却未给予任何处分", zh))
  end
  if party and not contains(entry.party, party) then
    mismatch(string.format("党纪处分%s不属于%s", party, zh))
  end
  if gov and not contains(entry.gov, gov) then
    mismatch(string.format("政务处分%s不属于%s", gov, zh))
  end
end

local function check_sanctions(case, party, gov)
  local agreement = R.party_gov_agreement
  if party and gov and type(agreement) == "table" then
    local allowed = agreement[party]
    if type(allowed) == "table" and not contains(allowed, gov) then
      report("disposal", "blocker", "party_gov_mismatch", string.format(
        "集体审议意见拟给予党纪处分%s，同时给予政务处分%s，二者轻重不相适应",
        party, gov))
    end
  end
  local subject = case.subject
  if type(subject) ~= "table" then subject = {} end
  if party and subject.party_member ~= true then
    report("disposal", "blocker", "sanction_subject_mismatch",
      string.format("被审查调查人不是中共党员，不能给予党纪处分%s", party))
  end
  if gov and subject.public_official ~= true then
    report("disposal", "blocker", "sanction_subject_mismatch",
      string.format("被审查调查人不是公职人员，不能给予政务处分%s", gov))
  end
end

-- the rules entry of a fact's violation, or nil if unknown
local function violation_of(fact)
  local vs = R.violations
  if type(fact) ~= "table" or type(fact.violation) ~= "string"
      or type(vs) ~= "table" then
    return nil
  end
  local v = vs[fact.violation]
  if type(v) == "table" then return v end
  return nil
end

local function check_facts(case, panel)
  local yes_refs, any_yes, any_eight = {}, false, false
  local missing, order = {}, {} -- discipline -> refs, in order of facts
  for _, fact in ipairs(list(case.facts)) do
    local v = violation_of(fact)
    if v then
      if v.eight_point == "yes" then
        any_yes, any_eight = true, true
        add_ref(yes_refs, fact.id)
      elseif v.eight_point == "depends" then
        any_eight = true
      end
      local d = v.discipline
      if type(d) == "string" and not contains(panel.disciplines, d) then
        if not missing[d] then
          missing[d] = {}
          order[#order + 1] = d
        end
        add_ref(missing[d], fact.id)
      end
    end
  end

  if panel.eight_point_rules == true and not any_eight then
    report("classification", "blocker", "eight_point_mismatch",
      "集体审议意见认定违反中央八项规定精神，但所认定的违纪行为均不属于此类")
  elseif panel.eight_point_rules ~= true and any_yes then
    report("classification", "blocker", "eight_point_mismatch",
      "有违纪行为属于违反中央八项规定精神的问题，集体审议意见未予认定",
      yes_refs)
  end
  for _, d in ipairs(order) do
    report("classification", "warning", "discipline_missing",
      string.format("有违纪行为属于违反%s纪律，集体审议意见未认定该纪律",
        DISCIPLINES[d] or d), missing[d])
  end
end

function check(case)
  if type(rules) == "table" then R = rules end
  local panel = nil
  for _, op in ipairs(list(case.opinions)) do
    if type(op) == "table" and op.panel == true then panel = op end
  end
  if panel == nil then return end
  local party = sanction(panel.party_sanction)
  local gov = sanction(panel.gov_sanction)
  check_form(panel, party, gov)
  check_sanctions(case, party, gov)
  check_facts(case, panel)
end
