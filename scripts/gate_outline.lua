-- gate_outline.lua - sign-off gate: every item of every supplement outline
-- (补查提纲) the panel sent back with a return has been answered, or
-- withdrawn by the leader with a written reason (review withdraw).
--
-- Findings (all blockers):
--   outline_item_open  evidence  one per unanswered item, with its refs
--
-- An item counts as settled only when its "answered" is true or its
-- "withdrawn" is an object with a non-empty reason. Reads only the view's
-- "returns"; never errors on a well-formed view.

local MAX_MESSAGE = 4096 -- bytes, the host's bound on a message

local function list(t)
  if type(t) == "table" then return t end
  return {}
end

-- v as an integer if it is a whole number, else fallback
local function whole(v, fallback)
  if type(v) == "number" then
    local n = math.tointeger(v)
    if n then return n end
  end
  return fallback
end

-- s cut to at most max bytes at a UTF-8 character boundary
local function clip(s, max)
  if #s <= max then return s end
  local cut = max - 3
  while cut > 0 and (s:byte(cut + 1) & 0xC0) == 0x80 do
    cut = cut - 1
  end
  return s:sub(1, cut) .. "…"
end

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
  for ri, ret in ipairs(list(case.returns)) do
    if type(ret) == "table" then
      local n = whole(ret.return_no, ri)
      for ii, item in ipairs(list(ret.items)) do
        local w = type(item) == "table" and item.withdrawn or nil
        local withdrawn = type(w) == "table" and type(w.reason) == "string"
                          and #w.reason > 0
        if type(item) == "table" and item.answered ~= true and not withdrawn then
          local t = item.text
          if type(t) ~= "string" then t = "" end
          local message = string.format(
            "第%d次退回的补查提纲第%d项尚未补查：%s",
            n, whole(item.no, ii), t)
          finding{
            standard = "evidence", severity = "blocker",
            code = "outline_item_open",
            message = clip(message, MAX_MESSAGE),
            refs = copy_refs(item.refs),
          }
        end
      end
    end
  end
end
