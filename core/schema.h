/*
 * schema.h - the store's schema as an ordered list of migrations.
 *
 * PRAGMA user_version is the schema version. Migration i takes a store from
 * version i-1 to i; a new store runs them all. Never edit a migration that
 * has shipped: add the next one. Each subsystem's tables are created by the
 * migration that introduced it.
 */
#ifndef SHENLI_SCHEMA_H
#define SHENLI_SCHEMA_H

extern const char *const sl_schema_migrations[];
extern const int sl_schema_version;

#endif
