/* schema.c - the migrations. See schema.h. */
#include "schema.h"

const char *const sl_schema_migrations[] = {
    [0] = "",
    /* 1: foundation - meta, users with their key-slot binding, audit chain */
    [1] =
        "CREATE TABLE meta(k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE users("
        "  id TEXT PRIMARY KEY,"
        "  role TEXT NOT NULL CHECK(role IN"
        "    ('admin','leader','member','specialist','auditor')),"
        "  agency TEXT,"
        "  zone TEXT,"
        "  pubkey BLOB NOT NULL CHECK(length(pubkey) = 32),"
        "  slot_sha256 BLOB NOT NULL CHECK(length(slot_sha256) = 32),"
        "  disabled INTEGER NOT NULL DEFAULT 0 CHECK(disabled IN (0,1)),"
        "  created_seq INTEGER NOT NULL"
        ") WITHOUT ROWID;"
        "CREATE TABLE audit("
        "  seq INTEGER PRIMARY KEY,"
        "  ts INTEGER NOT NULL,"
        "  actor TEXT NOT NULL,"
        "  action TEXT NOT NULL,"
        "  object TEXT NOT NULL,"
        "  details TEXT NOT NULL,"
        "  hash BLOB NOT NULL,"
        "  sig BLOB"
        ");",
    /* 2: cases - zones, agencies, intake, normalised dossiers, assignment,
     * review clock, rules data */
    [2] = "CREATE TABLE zones("
          "  code TEXT PRIMARY KEY,"
          "  name TEXT NOT NULL"
          ") WITHOUT ROWID;"
          "CREATE TABLE agencies("
          "  code TEXT PRIMARY KEY,"
          "  name TEXT NOT NULL,"
          "  zone TEXT REFERENCES zones(code)" /* NULL: not yet in a zone */
          ") WITHOUT ROWID;"
          "CREATE TABLE rules("
          "  name TEXT PRIMARY KEY,"
          "  version INTEGER NOT NULL,"
          "  body TEXT NOT NULL,"
          "  sha256 BLOB NOT NULL"
          ") WITHOUT ROWID;"
          "CREATE TABLE cases("
          "  id INTEGER PRIMARY KEY,"
          "  case_id TEXT NOT NULL UNIQUE,"
          "  agency TEXT NOT NULL,"
          "  zone TEXT,"
          "  state TEXT NOT NULL CHECK(state IN ('received','accepted',"
          "    'deferred','refused','in_review','returned','deliberated',"
          "    'signed_off')),"
          "  subject_name TEXT NOT NULL,"
          "  person_id TEXT NOT NULL,"
          "  party_member INTEGER NOT NULL,"
          "  public_official INTEGER NOT NULL,"
          "  position TEXT,"
          "  rank TEXT,"
          "  transferred_on TEXT NOT NULL,"
          "  disciplines TEXT NOT NULL," /* comma-separated */
          "  eight_point INTEGER NOT NULL,"
          "  party_sanction TEXT,"
          "  gov_sanction TEXT,"
          "  form INTEGER NOT NULL,"
          "  circumstances TEXT NOT NULL,"
          "  received_ms INTEGER NOT NULL,"
          "  accepted_ms INTEGER,"
          "  deadline_ms INTEGER," /* review limit; moves with pauses */
          "  paused_ms INTEGER,"   /* set while returned: clock stopped */
          "  extended_days INTEGER NOT NULL DEFAULT 0,"
          "  returns INTEGER NOT NULL DEFAULT 0,"
          "  intake_reasons TEXT NOT NULL DEFAULT '[]'"
          ");"
          /* case list reads only this index (a covering index): it never
           * touches the wide rows, let alone the dossiers */
          "CREATE INDEX cases_list ON cases(zone, state, agency, case_id,"
          "  subject_name, transferred_on, deadline_ms, paused_ms, returns);"
          /* the original bytes, as transferred, kept apart so that scans of
           * cases do not decrypt them */
          "CREATE TABLE dossiers("
          "  case_ref INTEGER PRIMARY KEY REFERENCES cases(id),"
          "  sha256 BLOB NOT NULL,"
          "  bytes BLOB NOT NULL"
          ");"

          "CREATE TABLE prior_sanctions("
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  n INTEGER NOT NULL,"
          "  system TEXT NOT NULL,"
          "  level TEXT NOT NULL,"
          "  decided_on TEXT NOT NULL,"
          "  PRIMARY KEY(case_ref, n)"
          ") WITHOUT ROWID;"
          "CREATE TABLE facts("
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  id TEXT NOT NULL,"
          "  n INTEGER NOT NULL,"
          "  summary TEXT NOT NULL,"
          "  violation TEXT NOT NULL,"
          "  date_from TEXT,"
          "  date_to TEXT,"
          "  amount_yuan REAL,"
          "  evidence TEXT NOT NULL," /* JSON list of the evidence ids cited */
          /* in dossier order (ids are unique: dossier.c checks), so that
           * reading a case's facts in order needs no sort */
          "  PRIMARY KEY(case_ref, n)"
          ") WITHOUT ROWID;"
          "CREATE TABLE evidence("
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  id TEXT NOT NULL,"
          "  n INTEGER NOT NULL,"
          "  kind TEXT NOT NULL,"
          "  title TEXT NOT NULL,"
          "  obtained_on TEXT,"
          "  source TEXT,"
          "  tags TEXT NOT NULL," /* JSON list */
          "  PRIMARY KEY(case_ref, n)"
          ") WITHOUT ROWID;"
          "CREATE TABLE documents("
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  n INTEGER NOT NULL,"
          "  kind TEXT NOT NULL,"
          "  date TEXT NOT NULL,"
          "  PRIMARY KEY(case_ref, n)"
          ") WITHOUT ROWID;"
          "CREATE TABLE assignments("
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  user_id TEXT NOT NULL REFERENCES users(id),"
          "  PRIMARY KEY(case_ref, user_id)"
          ") WITHOUT ROWID;"
          "CREATE INDEX assignments_user ON assignments(user_id);",
    /* 3: signed packages - trust anchors, installed packages and the
     * version floor that survives removal, findings of review checks */
    [3] = "CREATE TABLE trusted_keys("
          "  id TEXT PRIMARY KEY,"
          "  pubkey BLOB NOT NULL CHECK(length(pubkey) = 32),"
          "  comment TEXT NOT NULL,"
          "  revoked INTEGER NOT NULL DEFAULT 0 CHECK(revoked IN (0,1))"
          ") WITHOUT ROWID;"
          "CREATE TABLE packages("
          "  name TEXT PRIMARY KEY,"
          "  kind TEXT NOT NULL CHECK(kind IN ('plugin','script','rules')),"
          "  version INTEGER NOT NULL,"
          "  abi INTEGER NOT NULL,"
          "  file TEXT NOT NULL,"
          "  size INTEGER NOT NULL,"
          "  sha256 BLOB NOT NULL CHECK(length(sha256) = 32),"
          "  signer TEXT NOT NULL"
          ") WITHOUT ROWID;"
          "CREATE TABLE package_floor("
          "  name TEXT PRIMARY KEY,"
          "  max_version INTEGER NOT NULL"
          ") WITHOUT ROWID;"
          "CREATE TABLE findings("
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  n INTEGER NOT NULL,"
          "  check_id TEXT NOT NULL,"
          "  standard TEXT NOT NULL CHECK(standard IN ('facts','evidence',"
          "    'classification','disposal','formalities','procedure')),"
          "  severity TEXT NOT NULL CHECK(severity IN ('blocker','warning',"
          "    'note')),"
          "  code TEXT NOT NULL,"
          "  message TEXT NOT NULL,"
          "  refs TEXT NOT NULL,"
          "  outline_item TEXT,"
          "  PRIMARY KEY(case_ref, n)"
          ") WITHOUT ROWID;",
    /* 4: returns for supplement with their outlines, signed opinions,
     * sign-off. rev counts versions of a case's dossier (a resubmission
     * replaces it); checked_rev is the version the checks last ran on, so
     * that findings of an older version cannot pass for current ones. */
    [4] = "ALTER TABLE cases ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;"
          "ALTER TABLE cases ADD COLUMN checked_rev INTEGER NOT NULL"
          "  DEFAULT 0;"
          "ALTER TABLE cases ADD COLUMN signed_head TEXT;"
          "ALTER TABLE cases ADD COLUMN signed_ms INTEGER;"
          "CREATE TABLE returns("
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  return_no INTEGER NOT NULL CHECK(return_no >= 1),"
          "  kind TEXT NOT NULL CHECK(kind IN ('supplement','reinvestigate')),"
          "  returned_by TEXT NOT NULL REFERENCES users(id),"
          "  returned_ms INTEGER NOT NULL,"
          "  resubmitted_ms INTEGER,"
          "  PRIMARY KEY(case_ref, return_no)"
          ") WITHOUT ROWID;"
          /* the supplement outline (补查提纲): numbered items, each tied to
           * facts, evidence or a classification question (refs) */
          "CREATE TABLE outline_items("
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  return_no INTEGER NOT NULL,"
          "  no INTEGER NOT NULL CHECK(no >= 1),"
          "  text TEXT NOT NULL,"
          "  refs TEXT NOT NULL,"   /* JSON list */
          "  source TEXT NOT NULL," /* check/code, 'leader', or 'R.N' carried */
          "  carried_from TEXT,"    /* 'R.N': an open item of return R */
          "  answered_ms INTEGER,"
          "  answer_evidence TEXT," /* JSON list */
          "  answer_note TEXT,"
          "  PRIMARY KEY(case_ref, return_no, no)"
          ") WITHOUT ROWID;"
          /* every opinion ever recorded; the latest per author (and the
           * latest panel opinion) is the one in force */
          "CREATE TABLE opinions("
          "  id INTEGER PRIMARY KEY,"
          "  case_ref INTEGER NOT NULL REFERENCES cases(id),"
          "  author TEXT NOT NULL REFERENCES users(id),"
          "  panel INTEGER NOT NULL CHECK(panel IN (0,1)),"
          "  recorded_ms INTEGER NOT NULL,"
          "  body TEXT NOT NULL,"
          "  sig BLOB NOT NULL CHECK(length(sig) = 64)"
          ");"
          "CREATE INDEX opinions_case ON opinions(case_ref, panel, author);",
    /* 5: the log is the truth (log format 2, replay.h). A user added by an
     * admin is pending until they choose their own passphrase and key
     * (user.enrol): pubkey is NULL until then and enrol_pub is the
     * one-time key of user.add. Opinions record the audit entry that
     * recorded them; outline items may be withdrawn with a reason. The
     * log is indexed by object, so that one case's history is a range. A
     * store of log format 1 is refused before it would get here. */
    [5] = "CREATE TABLE users5("
          "  id TEXT PRIMARY KEY,"
          "  role TEXT NOT NULL CHECK(role IN"
          "    ('admin','leader','member','specialist','auditor')),"
          "  agency TEXT,"
          "  zone TEXT,"
          "  name TEXT,"
          "  pubkey BLOB CHECK(pubkey IS NULL OR length(pubkey) = 32),"
          "  enrol_pub BLOB NOT NULL CHECK(length(enrol_pub) = 32),"
          "  slot_sha256 BLOB NOT NULL CHECK(length(slot_sha256) = 32),"
          "  disabled INTEGER NOT NULL DEFAULT 0 CHECK(disabled IN (0,1)),"
          "  created_seq INTEGER NOT NULL"
          ") WITHOUT ROWID;"
          "INSERT INTO users5 SELECT id, role, agency, zone, NULL, pubkey,"
          "  pubkey, slot_sha256, disabled, created_seq FROM users;"
          "DROP TABLE users;"
          "ALTER TABLE users5 RENAME TO users;"
          "ALTER TABLE opinions ADD COLUMN seq INTEGER;"
          "CREATE INDEX opinions_seq ON opinions(case_ref, seq);"
          "ALTER TABLE outline_items ADD COLUMN withdrawn_ms INTEGER;"
          "ALTER TABLE outline_items ADD COLUMN withdrawn_by TEXT;"
          "ALTER TABLE outline_items ADD COLUMN withdraw_reason TEXT;"
          "CREATE INDEX audit_object ON audit(object, seq);",
    /* 6: what a fact says the money was used for (the dossier's optional
     * "use") and whether its amount is the value of goods ("in_kind"):
     * the evidence check judges both */
    [6] = "ALTER TABLE facts ADD COLUMN money_use TEXT;"
          "ALTER TABLE facts ADD COLUMN in_kind INTEGER NOT NULL DEFAULT 0"
          "  CHECK(in_kind IN (0,1));",
    /* 7: document templates are signed packages too (kind 'template'):
     * the kind's CHECK is part of the table, so the table is rebuilt */
    [7] = "CREATE TABLE packages7("
          "  name TEXT PRIMARY KEY,"
          "  kind TEXT NOT NULL CHECK(kind IN"
          "    ('plugin','script','rules','template')),"
          "  version INTEGER NOT NULL,"
          "  abi INTEGER NOT NULL,"
          "  file TEXT NOT NULL,"
          "  size INTEGER NOT NULL,"
          "  sha256 BLOB NOT NULL CHECK(length(sha256) = 32),"
          "  signer TEXT NOT NULL"
          ") WITHOUT ROWID;"
          "INSERT INTO packages7 SELECT name, kind, version, abi, file, size,"
          "  sha256, signer FROM packages;"
          "DROP TABLE packages;"
          "ALTER TABLE packages7 RENAME TO packages;",
    /* 8: the longest case id at a glance: a listing too long to hold
     * streams, and its first column must be as wide as its widest id
     * before that id comes (sl_case_list_widths) */
    [8] = "CREATE INDEX cases_id_len ON cases(length(case_id));",
    /* 9: the days the review limit counts from acceptance (the rules'
     * limit, extensions, days returned), so that each move of the limit
     * is worked out from acceptance and rolled on to a working day once:
     * moved from a limit already rolled over a weekend, the roll-overs
     * piled up into days the rules never gave. NULL: a case accepted
     * before this (its limit moves from where it is, as it did). */
    [9] = "ALTER TABLE cases ADD COLUMN limit_days INTEGER;",
};

const int sl_schema_version =
    (int)(sizeof sl_schema_migrations / sizeof sl_schema_migrations[0]) - 1;
