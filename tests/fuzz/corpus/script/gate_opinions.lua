-- gate_opinions.lua - sign-off gate: the review team has spoken, and only
-- those entitled to. A team of at least rules.review.min_team reviewers
-- (监督执纪工作规则 Art. 55) gives individual opinions, none of them from
-- the transferring agency (回避), and the panel's collective deliberation
-- (集体审议) is on record.
--
-- Findings (all blockers, standard procedure):
--   too_few_opinions      fewer distinct authors of individual opinions
--                         than rules.review.min_team (2 if absent)
--   opinion_not_assigned  an individual opinion's author is not on
--                         case.team
--   opinion_recused       an opinion's author (individual or the panel's)
--                         has the transferring agency as home agency
--   no_panel_opinion      no panel opinion
--
-- Individual opinions are those whose "panel" is not true. Never errors on
-- a well-formed view.

local function list(t)
  if type(t) == "table" then return t end
  return {}
end

local function blocker(code, message, refs)
  finding{
    standard = "procedure", severity = "blocker", code = code,
    message = message, refs = refs,
  }
end

-- the author's id as refs, if it is one the host accepts
local function author_refs(author)
  if #author >= 1 and #author <= 64 then return {author} end
  return {}
end

-- a recused author: their home agency is the one that transferred the case
local function check_recusal(op, agency, who)
  if type(agency) == "string" and op.author_agency == agency then
    blocker("opinion_recused", string.format(
      "%s%s的所在单位%s即本案移送单位，应当回避，其意见不能作为审理意见",
      who, op.author, agency), author_refs(op.author))
  end
end

function check(case)
  local min_team = 2
  local review = type(rules) == "table" and rules.review
  if type(review) == "table" and type(review.min_team) == "number" then
    min_team = math.tointeger(review.min_team) or min_team
  end

  local on_team = {}
  for _, m in ipairs(list(case.team)) do
    if type(m) == "table" and type(m.id) == "string" then
      on_team[m.id] = true
    end
  end

  local seen, authors, panel = {}, 0, nil
  for _, op in ipairs(list(case.opinions)) do
    if type(op) == "table" and op.panel == true then
      panel = op -- at most one; the latest if there were more
    elseif type(op) == "table" and type(op.author) == "string"
        and not seen[op.author] then
      seen[op.author] = true
      authors = authors + 1
      if not on_team[op.author] then
        blocker("opinion_not_assigned", string.format(
          "个人审理意见的提出人%s不是本案审理组成员", op.author),
          author_refs(op.author))
      end
      check_recusal(op, case.agency, "个人审理意见的提出人")
    end
  end

  if authors < min_team then
    blocker("too_few_opinions", string.format(
      "仅有%d名审理人员提出个人审理意见，少于规定的%d人", authors,
      min_team), {})
  end
  if panel == nil then
    blocker("no_panel_opinion", "尚无审理小组集体审议意见", {})
  elseif type(panel.author) == "string" then
    check_recusal(panel, case.agency, "集体审议意见的记录人")
  end
end
