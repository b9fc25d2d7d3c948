-- gate_findings.lua - sign-off gate: the review checks have run on the
-- current version of the dossier, and none of their blockers is open.
--
-- Findings (all blockers):
--   checks_not_run  formalities   case.checked is not true: the findings
--                                 below (if any) are not those of the
--                                 dossier as it stands
--   open_blocker    as found      one per blocker finding of the last
--                                 review run, with its standard and refs
--
-- A blocker the leader settled is not open: one whose outline item (an
-- item drawn from it, source "CHECK/CODE" with its refs, or a copy of
-- that item carried into a later return) was withdrawn with a written
-- reason (review withdraw). Without this a case at its limit on returns
-- could never be signed off: the agency did not answer, the check still
-- finds what it found, and no return is left to ask again.
--
-- Reads only the view's "checked", "findings" and "returns"; never errors
-- on a well-formed view (absent fields read as empty).

local MAX_MESSAGE = 4096 -- bytes, the host's bound on a message

local STANDARDS = {
  facts = true, evidence = true, classification = true,
  disposal = true, formalities = true, procedure = true,
}

-- t if it is a list, else an empty one (optional or null fields)
local function list(t)
  if type(t) == "table" then return t end
  return {}
end

-- s if it is a non-empty string, else fallback
local function text(s, fallback)
  if type(s) == "string" and s ~= "" then return s end
  return fallback
end

-- s cut to at most max bytes at a UTF-8 character boundary, with "…"
-- (3 bytes) marking the cut
local function clip(s, max)
  if #s <= max then return s end
  local cut = max - 3
  while cut > 0 and (s:byte(cut + 1) & 0xC0) == 0x80 do
    cut = cut - 1
  end
  return s:sub(1, cut) .. "…"
end

-- a fresh copy of a refs list: the strings the host accepts (1..64
-- bytes, at most 64 of them)
local function copy_refs(refs)
  local out = {}
  for _, r in ipairs(list(refs)) do
    if type(r) == "string" and #r >= 1 and #r <= 64 and #out < 64 then
      out[#out + 1] = r
    end
  end
  return out
end

-- v as an integer if it is a whole number, else fallback
local function whole(v, fallback)
  if type(v) == "number" then
    local n = math.tointeger(v)
    if n then return n end
  end
  return fallback
end

-- "CHECK/CODE|ref,ref": a finding as the outline item drawn from it names
-- it (returns.c: its refs, or its standard if it has none)
local function key(source, refs)
  local r = {}
  for _, x in ipairs(list(refs)) do
    if type(x) == "string" then r[#r + 1] = x end
  end
  table.sort(r)
  return source .. "|" .. table.concat(r, ",")
end

local function finding_key(f)
  local refs = list(f.refs)
  if #refs == 0 then refs = {f.standard} end
  return key(text(f.check, "?") .. "/" .. text(f.code, "?"), refs)
end

-- the keys of the findings whose outline items were withdrawn
local function settled(case)
  local items, out = {}, {}
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
      if type(origin) == "table" and type(origin.source) == "string" then
        out[key(origin.source, origin.refs)] = true
      end
    end
  end
  return out
end

function check(case)
  local done = settled(case)
  if case.checked ~= true then
    finding{
      standard = "formalities", severity = "blocker",
      code = "checks_not_run",
      message = "本案当前材料尚未运行审查检查，请先运行 review run",
      refs = {},
    }
  end
  for _, f in ipairs(list(case.findings)) do
    if type(f) == "table" and f.severity == "blocker" and
       not done[finding_key(f)] then
      local standard = f.standard
      if not STANDARDS[standard] then standard = "formalities" end
      local message = string.format("尚有未解决的阻断性问题（%s/%s）：%s",
        text(f.check, "?"), text(f.code, "?"), text(f.message, ""))
      finding{
        standard = standard, severity = "blocker", code = "open_blocker",
        message = clip(message, MAX_MESSAGE), refs = copy_refs(f.refs),
      }
    end
  end
end
