-- gate_dates.lua - sign-off gate: the dates of the case agree with each
-- other and with the course of the review.
--
-- Findings (all blockers, standard procedure):
--   date_inconsistent  one per violation, naming the field and the dates:
--     - a date that is not a real YYYY-MM-DD day in 1900-2200 (dossier:
--       facts from/to, evidence obtained_on, documents date, prior
--       sanctions decided_on, transferred_on; host: accepted_on, today,
--       returns returned_on/resubmitted_on, opinions recorded_on)
--     - a fact's from after its to
--     - a fact date, a prior sanction or a document dated after the
--       transfer, except identity documents (rules.intake.
--       identity_documents; DOMAIN.md: 履历表、任免文件 may carry any
--       date: a 任免文件 issued after the transfer is still the subject's)
--     - evidence obtained after today, or after the transfer unless a
--       supplement entry of any resubmission cites it (gathered on a
--       return)
--     - acceptance before the transfer
--     - a return before acceptance, a resubmission before its return
--     - an opinion recorded before acceptance, the panel opinion before
--       an individual one
--
-- Dates are compared only when both are valid (an invalid one is reported
-- once, as such). Absent optional dates are skipped. Never errors on a
-- well-formed view.
--
-- A date problem the leader settled is not reported: one whose outline
-- item (an item drawn from it, source "gate_dates/date_inconsistent" with
-- its refs, or a copy of that item carried into a later return) was
-- withdrawn with a written reason (review withdraw --finding
-- date_inconsistent[@REF], as gate_findings.lua treats the checks'
-- blockers). Without this a case at its limit on returns could never be
-- signed off: the agency answered the last return, a date is still
-- wrong, and no return is left to ask again. As with the checks, the item
-- names the problem by its refs (or, having none, its standard): a
-- settled problem of evidence E5 settles every date problem of E5, and
-- one settled without refs every date problem without refs.
--
-- Messages are read by panel members: each date is named in Chinese
-- (移送日期, 取得日期 …) and a document by its name in rules.documents,
-- never by the view's field names or codes.

local DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

-- the documents' names when the rules in force give none (DOMAIN.md)
local DOCUMENTS = {
  identity = "身份材料", filing_approval = "立案审批表",
  investigation_report = "审查调查报告", fact_material = "违纪事实材料",
  subject_written_response = "被审查调查人对事实材料的书面意见",
  response_explanation = "对其申辩的说明", transfer_form = "移送审理函",
}

local function list(t)
  if type(t) == "table" then return t end
  return {}
end

-- d is a real day in 1900-2200 written YYYY-MM-DD (as the dossier
-- validator has it). A case repeats its dates, so each is parsed once.
local known = {} -- date string -> is it valid?
local function valid(d)
  if type(d) ~= "string" then return false end
  local ok = known[d]
  if ok ~= nil then return ok end
  ok = false
  local y, m, day = d:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y then
    y, m, day = tonumber(y), tonumber(m), tonumber(day)
    local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
    ok = y >= 1900 and y <= 2200 and m >= 1 and m <= 12 and day >= 1
      and day <= (m == 2 and leap and 29 or DAYS[m])
  end
  known[d] = ok
  return ok
end

-- a short, printable rendering of a bad value
local function shown(v)
  local s = tostring(v)
  if #s > 40 or not utf8.len(s) then return "（无法显示的值）" end
  return s
end

local NONE = {} -- no refs

-- {id} if id is a ref the host accepts, else no refs
local function refs_of(id)
  if type(id) == "string" and #id >= 1 and #id <= 64 then return {id} end
  return NONE
end

local SOURCE = "gate_dates/date_inconsistent" -- an item drawn from one
local STANDARD = "procedure" -- of every date problem

-- v as an integer if it is a whole number, else fallback
local function whole(v, fallback)
  if type(v) == "number" then
    local n = math.tointeger(v)
    if n then return n end
  end
  return fallback
end

-- "ref,ref": the refs of a problem as the outline item drawn from it
-- names them (returns.c: its refs, or its standard if it has none). A
-- document is "doc:KIND", as everywhere; gate_dates before 5 named it by
-- its bare kind, and an item drawn from such a problem still settles it.
local function key(refs)
  local r = {}
  for _, x in ipairs(list(refs)) do
    if type(x) == "string" then r[#r + 1] = x:gsub("^doc:", "", 1) end
  end
  table.sort(r)
  return table.concat(r, ",")
end

-- the keys of the date problems whose outline items were withdrawn with
-- a reason (gate_findings.lua, settled)
local done = {}
local function settled(case)
  local items = {}
  done = {}
  for ri, ret in ipairs(list(case.returns)) do
    if type(ret) == "table" then
      local n = whole(ret.return_no, ri)
      for ii, item in ipairs(list(ret.items)) do
        if type(item) == "table" then
          items[n .. "." .. whole(item.no, ii)] = item
        end
      end
    end
  end
  for _, item in pairs(items) do
    local w = item.withdrawn
    if type(w) == "table" and type(w.reason) == "string" and #w.reason > 0 then
      local origin = item
      if item.source == "carried" then origin = items[item.carried_from] end
      if type(origin) == "table" and origin.source == SOURCE then
        done[key(origin.refs)] = true
      end
    end
  end
end

local function inconsistent(message, refs)
  local named = refs
  if #named == 0 then named = {STANDARD} end
  if done[key(named)] then return end
  finding{
    standard = STANDARD, severity = "blocker", code = "date_inconsistent",
    message = message, refs = refs,
  }
end

-- a date that is given (a string: absent and null ones are skipped)
-- must be valid
local function check_valid(what, d, refs)
  if type(d) == "string" and not valid(d) then
    inconsistent(string.format("%s“%s”不是有效的日期（YYYY-MM-DD）",
      what, shown(d)), refs)
  end
end

-- what (a) must not be later than limit (b)
local function not_after(what, a, limit, b, refs)
  if valid(a) and valid(b) and a > b then
    inconsistent(string.format("%s（%s）晚于%s（%s）", what, a, limit, b),
      refs)
  end
end

local function label(kind, id)
  if type(id) == "string" and #id <= 64 then return kind .. id end
  return kind
end

-- a string-keyed table of the rules, or an empty one
local function section(t, key)
  if type(t) == "table" and type(t[key]) == "table" then return t[key] end
  return {}
end

-- a document's name for the panel: the rules' name, the built-in one, or
-- (a kind nobody knows) the kind as the dossier wrote it, quoted
local function document_name(kind)
  local zh = section(rules, "documents")[kind]
  if type(zh) == "string" and zh ~= "" and #zh <= 200 then return zh end
  if DOCUMENTS[kind] then return DOCUMENTS[kind] end
  if type(kind) == "string" and #kind <= 64 then
    return "材料“" .. shown(kind) .. "”"
  end
  return "材料"
end

-- the document kinds that may carry any date: the rules' identity
-- documents, else the one the case format names
local function identity_kinds()
  local out, any = {}, false
  for _, k in ipairs(list(section(rules, "intake").identity_documents)) do
    if type(k) == "string" then out[k], any = true, true end
  end
  if not any then out.identity = true end
  return out
end

function check(case)
  settled(case)
  local transferred, accepted = case.transferred_on, case.accepted_on
  local today = case.today
  local T = "移送日期"
  local A = "受理日期"
  local D = "今天（本次检查的日期）"
  check_valid(T, transferred, NONE)
  check_valid(A, accepted, NONE)
  check_valid(D, today, NONE)
  not_after(T, transferred, A, accepted, NONE)

  for _, f in ipairs(list(case.facts)) do
    if type(f) == "table" then
      local who, refs = label("事实", f.id), refs_of(f.id)
      local from, to = f.from, f.to
      local from_what = who .. "的起始日期"
      local to_what = who .. "的截止日期"
      check_valid(from_what, from, refs)
      check_valid(to_what, to, refs)
      not_after(from_what, from, to_what, to, refs)
      not_after(from_what, from, T, transferred, refs)
      not_after(to_what, to, T, transferred, refs)
    end
  end

  local subject = case.subject
  if type(subject) == "table" then
    for i, p in ipairs(list(subject.prior_sanctions)) do
      if type(p) == "table" then
        local what = string.format("第%d项曾受处分的决定日期", i)
        local on = p.decided_on
        check_valid(what, on, NONE)
        not_after(what, on, T, transferred, NONE)
      end
    end
  end

  local any_date = identity_kinds()
  for _, d in ipairs(list(case.documents)) do
    if type(d) == "table" then
      local what = document_name(d.kind) .. "的日期"
      local refs, date = NONE, d.date
      if type(d.kind) == "string" then refs = refs_of("doc:" .. d.kind) end
      check_valid(what, date, refs)
      if not any_date[d.kind] then
        not_after(what, date, T, transferred, refs)
      end
    end
  end

  -- evidence gathered on a return is cited by a supplement entry: of
  -- this resubmission, or of an earlier one (the answers of every return
  -- are kept with its outline items, while the dossier carries only the
  -- latest resubmission's entries)
  local supplemented = {}
  local function gathered(ids)
    for _, id in ipairs(list(ids)) do
      if type(id) == "string" then supplemented[id] = true end
    end
  end
  for _, s in ipairs(list(case.supplement)) do
    if type(s) == "table" then gathered(s.evidence) end
  end
  for _, r in ipairs(list(case.returns)) do
    if type(r) == "table" then
      for _, it in ipairs(list(r.items)) do
        if type(it) == "table" and type(it.answer) == "table" then
          gathered(it.answer.evidence)
        end
      end
    end
  end
  for _, e in ipairs(list(case.evidence)) do
    if type(e) == "table" then
      local id, on = e.id, e.obtained_on
      local what = label("证据", id) .. "的取得日期"
      local refs = refs_of(id)
      check_valid(what, on, refs)
      not_after(what, on, D, today, refs)
      if not (type(id) == "string" and supplemented[id]) then
        not_after(what, on, T, transferred, refs)
      end
    end
  end

  for i, r in ipairs(list(case.returns)) do
    if type(r) == "table" then
      local n = type(r.return_no) == "number" and math.tointeger(r.return_no)
        or i
      local ret = string.format("第%d次退回日期", n)
      local res = string.format("第%d次退回后的重新移送日期", n)
      check_valid(ret, r.returned_on, NONE)
      check_valid(res, r.resubmitted_on, NONE)
      not_after(A, accepted, ret, r.returned_on, NONE)
      not_after(ret, r.returned_on, res, r.resubmitted_on, NONE)
    end
  end

  local panel, individual = nil, {}
  for _, op in ipairs(list(case.opinions)) do
    if type(op) == "table" then
      local who = type(op.author) == "string" and #op.author <= 64
        and op.author or "?"
      local what
      if op.panel == true then
        what = "集体审议意见（记录人" .. who .. "）的记录日期"
        panel = {op = op, what = what}
      else
        what = who .. "的个人审理意见的记录日期"
        individual[#individual + 1] = {op = op, what = what}
      end
      check_valid(what, op.recorded_on, NONE)
      not_after(A, accepted, what, op.recorded_on, NONE)
    end
  end
  if panel then
    for _, ind in ipairs(individual) do
      not_after(ind.what, ind.op.recorded_on, panel.what,
        panel.op.recorded_on, NONE)
    end
  end
end
