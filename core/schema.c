/* schema.c - the migrations. See schema.h. */
#include "schema.h"

const char *const sl_schema_migrations[] = {
    [0] = "",
    /* 1: foundation - meta, users with their key-slot binding, audit chain */
    [1] = "CREATE TABLE meta(k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
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
};

const int sl_schema_version =
    (int)(sizeof sl_schema_migrations / sizeof sl_schema_migrations[0]) - 1;
