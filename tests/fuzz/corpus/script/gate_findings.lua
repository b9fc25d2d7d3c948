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
-- Reads only the view's "checked" and "findings"; never errors on a
-- well-formed view (absent fields read as empty).

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

function check(case)
  if case.checked ~= true then
    finding{
      standard = "formalities", severity = "blocker",
      code = "checks_not_run",
      message = "本案当前材料尚未运行审查检查，请先运行 review run",
      refs = {},
    }
  end
  for _, f in ipairs(list(case.findings)) do
    if type(f) == "table" and f.severity == "blocker" then
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
