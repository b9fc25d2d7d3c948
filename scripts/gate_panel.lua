-- gate_panel.lua - sign-off gate: the panel's collective opinion agrees
-- with itself, with the subject and with the facts, by the rules in force.
--
-- Findings:
--   form_sanction_mismatch     classification  blocker
--       the form (四种形态) and the sanctions disagree (rules.forms): a
--       form without sanction (no_sanction) that gives one, a form whose
--       party/gov lists lack a sanction given, a sanctioning form with none
--       that cannot be an organizational adjustment either
--   form_adjustment            disposal        note
--       no sanction in a form that may be an organizational adjustment
--       (rules.forms "adjustment": 组织调整 in the second form, 重大职务调整
--       in the third, DOMAIN.md): right if the measure was taken, which
--       the view does not say; the classification plugin's note on the
--       proposal, said of the panel's opinion
--   party_gov_mismatch         disposal        blocker
--       both sanctions given, and rules.party_gov_agreement does not list
--       the government sanction for the party one
--   sanction_subject_mismatch  disposal        blocker
--       a party sanction for a non-member, a government sanction for
--       someone who is not a public official (one finding each)
--   eight_point_mismatch       classification  blocker
--       eight_point_rules true while no fact's violation is "yes" or
--       "depends" in rules.violations, or false while one is "yes"
--   discipline_missing         classification  blocker
--       a fact's violation belongs to a discipline the opinion omits (one
--       finding per discipline, refs the facts): the same misclassification
--       in the agency's proposal is the classification plugin's blocker
--       (discipline_missed), and a signed report must not carry it
--   sanction_too_light         disposal        blocker
--   sanction_too_heavy         disposal        blocker
--       the opinion's sanction is far_levels or more below / above the
--       range the facts warrant (畸轻畸重, DOMAIN.md); a nearer miss is
--       the panel's own judgement after deliberation, not held up here
--
-- The range is the classification plugin's (plugins/classification/
-- classification.c, "proportion"), worked out again here from the same
-- rules for the panel's opinion: the plugin judges the agency's proposal
-- only (its view of the case has no opinions), and the circumstances and
-- form of the two may differ. The two must agree: a change to one is a
-- change to the other (tests/cli/test_review_rules.sh runs both on the
-- same cases). Any section of the rules missing or malformed: no
-- judgement of proportion (the plugin cannot open on such rules either).
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
    if entry.adjustment == true then
      report("disposal", "note", "form_adjustment", string.format(
        "集体审议意见定为%s而未给予处分，应为组织调整或职务调整；"
        .. "请核实所作的组织处理措施", zh))
    else
      mismatch(string.format("集体审议意见定为%s，却未给予任何处分", zh))
    end
    return
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
    report("classification", "blocker", "discipline_missing",
      string.format("有违纪行为属于违反%s纪律，集体审议意见未认定该纪律",
        DISCIPLINES[d] or d), missing[d])
  end
end

-- ---- proportion (畸轻畸重) ------------------------------------------------

local function int(v, lo, hi)
  local n = type(v) == "number" and math.tointeger(v)
  if n and n >= lo and n <= hi then return n end
  return nil
end

-- Past this many fen (1e16 yuan) an amount or a sum is taken as this, as
-- the plugin takes it (plugins/common.h, PL_FEN_MAX): no integer overflows.
local FEN_MAX = 1000000000000000000

-- An amount in whole fen (分), an integer: rounded half up from the shortest
-- decimal that reads back as the same number, as the plugin (pl_fen) and
-- every document round it. Amounts are added and compared with a band's
-- "from" in fen, never as floats: 51610.03 + 52660.02 + 15729.95 is
-- 119999.99999999999 as floats, and 12000000 fen exactly. nil if negative.
local function fen(x)
  if type(x) ~= "number" or not (x >= 0) then return nil end
  if x >= 1e16 then return FEN_MAX end
  if math.type(x) == "integer" then return x * 100 end
  local s
  for prec = 15, 17 do
    s = string.format("%." .. prec .. "g", x)
    if tonumber(s) == x then break end
  end
  local mant, exp = s:match("^([^eE]*)[eE]?(.*)$")
  local dig, point = {}, nil
  for c in mant:gmatch(".") do
    if c:match("%d") then
      dig[#dig + 1] = tonumber(c) -- an integer digit
    else
      point = #dig -- the decimal point (or a locale's comma)
    end
  end
  -- the value is 0.dig x 10^point: its first point + 2 digits are whole
  -- fen, the next one rounds
  local keep = (point or #dig) + (math.tointeger(tonumber(exp)) or 0) + 2
  local f = 0
  for i = 1, keep do f = f * 10 + (dig[i] or 0) end
  if keep >= 0 and keep < #dig and dig[keep + 1] >= 5 then f = f + 1 end
  return f
end

-- {lo, hi} from a [lo, hi] pair of levels up to crime, else nil
local function pair(t, crime)
  if type(t) ~= "table" then return nil end
  local lo, hi = int(t[1], 0, crime), int(t[2], 0, crime)
  if lo and hi and lo <= hi then return lo, hi end
  return nil
end

-- the rung named name on ladder (a list of {name, level, max_level})
local function rung(ladder, name)
  for _, r in ipairs(list(ladder)) do
    if type(r) == "table" and r.name == name then
      local lo = int(r.level, 0, 100)
      if lo then return lo, int(r.max_level, lo, 100) or lo end
    end
  end
  return nil
end

-- The range of levels the case warrants for an opinion citing circs and
-- claiming a crime (a crime form, or a crime circumstance of old rules):
-- lo, hi, crime_reached; nil when it cannot be told.
local function warranted(case, circs, crime_claimed)
  local L, B, P = R.sanction_ladders, R.sanction_bands, R.sanction_policy
  if type(L) ~= "table" or type(B) ~= "table" or type(P) ~= "table" then
    return nil
  end
  local top, crime = int(L.top_level, 1, 100), int(L.crime_level, 1, 100)
  if not top or not crime or crime < top then return nil end
  local merge = int(P.merge_raise, 0, 3) or 0
  local prior_raise = int(P.prior_raise, 0, 3) or 0
  local aggravate = int(P.aggravate_levels, 0, 3) or 1
  local mitigate = int(P.mitigate_levels, 0, 3) or 1

  -- each violation's facts: their amounts added up (in fen, exactly), and
  -- whether any has none; a fact of a violation the rules do not know
  -- leaves the range unknown (the plugin's unknown_violation blocks the
  -- case)
  local acc, order = {}, {}
  local facts = list(case.facts)
  if #facts == 0 then return nil end
  for _, f in ipairs(facts) do
    local v = violation_of(f)
    if not v then return nil end
    local a = acc[f.violation]
    if not a then
      a = {fen = 0, money = false, plain = false}
      acc[f.violation] = a
      order[#order + 1] = f.violation
    end
    if type(f.amount_yuan) == "number" then
      a.money = true
      a.fen = math.min(a.fen + (fen(f.amount_yuan) or 0), FEN_MAX)
    else
      a.plain = true
    end
  end
  local max_lo, max_hi, n_lo, n_hi = 0, 0, 0, 0
  for _, code in ipairs(order) do
    local a, b = acc[code], B[code]
    local lo, hi
    if type(b) ~= "table" then
      lo, hi = 0, top -- not judged for proportion
    else
      local blo, bhi = pair(b.levels, crime)
      if not blo then return nil end
      local bands = list(b.amount_bands)
      lo, hi = -1, -1
      if a.money and #bands > 0 then
        lo, hi = blo, bhi
        for _, x in ipairs(bands) do
          local from = type(x) == "table" and fen(x.from)
          if not from then return nil end
          if a.fen < from then break end
          local xlo, xhi = pair(x.levels, crime)
          if not xlo then
            xlo = int(x.level, 0, crime) -- rules before version 2
            xhi = xlo
          end
          if not xlo then return nil end
          lo, hi = xlo, xhi
        end
      end
      if a.plain or (a.money and #bands == 0) then
        lo, hi = math.max(lo, blo), math.max(hi, bhi)
      end
    end
    max_lo, max_hi = math.max(max_lo, lo), math.max(max_hi, hi)
    if lo >= 1 then n_lo = n_lo + 1 end
    if hi >= 1 then n_hi = n_hi + 1 end
  end

  -- prior sanctions count when they are on their system's ladder
  local priors = false
  local subject = type(case.subject) == "table" and case.subject or {}
  for _, ps in ipairs(list(subject.prior_sanctions)) do
    if type(ps) == "table" and (ps.system == "party" or ps.system == "gov")
        and rung(L[ps.system], ps.level) then
      priors = true
    end
  end
  local function raised(level, count)
    if level >= crime then return level end
    if count >= 2 then level = level + merge end
    if priors and level >= 1 then level = level + prior_raise end
    return math.min(level, top)
  end
  local lo, hi = raised(max_lo, n_lo), raised(max_hi, n_hi)

  -- the circumstances: the strongest of each direction, once
  local lower, raise = 0, 0
  local C = type(R.circumstances) == "table" and R.circumstances or {}
  for _, code in ipairs(list(circs)) do
    local c = type(code) == "string" and C[code]
    if type(c) == "table" then
      local l = int(c.lower, 0, 3) or 0
      local r = 0
      if c.effect == "mitigating" then l = mitigate end
      if c.effect == "aggravating" then r = aggravate end
      if c.prior == true and priors then r = 0 end
      if c.crime == true then crime_claimed = true end
      lower, raise = math.max(lower, l), math.max(raise, r)
    end
  end
  if hi < crime and raise > 0 then
    if lo + raise <= hi then lo = lo + raise else lo = math.max(hi, lo) end
    hi = math.min(hi + raise, top)
    lo = math.min(lo, hi)
  end
  if lo < crime then lo = math.max(lo - lower, 0) end
  -- a crime claimed lifts nothing: the facts reach one or they do not
  return lo, hi, crime_claimed and hi >= crime
end

local function level_name(i)
  local names = list(type(R.sanction_ladders) == "table"
    and R.sanction_ladders.level_names)
  local n = names[i + 1]
  if type(n) == "string" then return n end
  return tostring(i)
end

local function check_proportion(case, panel, party, gov)
  local far = type(R.sanction_policy) == "table"
    and int(R.sanction_policy.far_levels, 1, 100)
  local L = R.sanction_ladders
  if not far or type(L) ~= "table" then return end
  -- the opinion's level: the party sanction's, else the government's;
  -- an unknown sanction is form_sanction_mismatch's matter
  local plo, phi = 0, 0
  if party then
    plo, phi = rung(L.party, party)
  elseif gov then
    plo, phi = rung(L.gov, gov)
  end
  if not plo then return end
  local crime_form = false
  for _, f in ipairs(list(R.forms)) do
    if type(f) == "table" and f.form == panel.form and f.crime == true then
      crime_form = true
    end
  end
  local lo, hi, crime = warranted(case, panel.circumstances, crime_form)
  if not lo then return end
  if crime and (party or gov) and phi >= int(L.top_level, 1, 100) then
    -- expulsion with transfer for prosecution: the crime level itself
    local c = int(L.crime_level, 1, 100)
    plo, phi = c, c
  end
  local light = phi < lo
  local dist = light and lo - phi or plo - hi
  if dist < far then return end
  local given = (party and ("党纪" .. party) or "")
    .. (party and gov and "、" or "") .. (gov and ("政务" .. gov) or "")
  local range = lo == hi and string.format("为“%s”", level_name(lo))
    or string.format("在“%s”至“%s”之间", level_name(lo), level_name(hi))
  local refs = {}
  for _, f in ipairs(list(case.facts)) do
    if type(f) == "table" then add_ref(refs, f.id) end
  end
  report("disposal", "blocker",
    light and "sanction_too_light" or "sanction_too_heavy",
    string.format("集体审议意见拟给予的处分（%s）%s：按事实和情节应%s",
      given, light and "明显偏轻（畸轻）" or "明显偏重（畸重）", range),
    refs)
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
  check_proportion(case, panel, party, gov)
end
