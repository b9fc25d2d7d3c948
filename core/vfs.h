/*
 * vfs.h - a thin SQLite VFS under the store that closes a gap in SQLCipher 3.
 *
 * SQLCipher 3 reserves 48 bytes at the end of each page: a 16-byte IV, a
 * 20-byte HMAC-SHA1 over the page and IV, and 12 bytes of random padding
 * that NO check covers. A flipped bit there goes unnoticed, so "the store
 * file is tamper-evident" would not hold for 0.3% of its bytes.
 *
 * This VFS makes those 12 bytes canonical: every full page written to the
 * main database file has them set to zero, and every full page read from it
 * must have them zero, or the read fails as corruption. Nothing else is
 * touched; WAL frames pass through unchanged (their checksums cover the
 * bytes as SQLite wrote them) and are made canonical when checkpointed.
 */
#ifndef SHENLI_VFS_H
#define SHENLI_VFS_H

#define SL_VFS_NAME "shenli"
#define SL_PAGE_SIZE 4096
/* SQLCipher 3.4 defaults: IV 16 + HMAC-SHA1 20 = 36, padded to 48. */
#define SL_PAGE_PAD 12

/* Register the VFS (idempotent). SQLITE_OK or an SQLite error code. */
int sl_vfs_register(void);

#endif
