-- The tables a login reads, rebuilt WITHOUT ROWID: their rows are kept in the primary key's
-- B-tree itself, so a lookup by key is one descent instead of the key index's and then the
-- table's, and the database holds no second copy of the keys. Rows stay the same.
ALTER TABLE account_credentials RENAME TO account_credentials_by_rowid;
CREATE TABLE account_credentials (
  domain     TEXT    NOT NULL,
  username   TEXT    NOT NULL,
  mechanism  TEXT    NOT NULL,  -- 'SCRAM-SHA-1' or 'SCRAM-SHA-256'
  salt       TEXT    NOT NULL,  -- base64
  iterations INTEGER NOT NULL,
  stored_key TEXT    NOT NULL,  -- base64 H(ClientKey)
  server_key TEXT    NOT NULL,  -- base64 HMAC(SaltedPassword, "Server Key")
  PRIMARY KEY (domain, username, mechanism),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO account_credentials (domain, username, mechanism, salt, iterations, stored_key, server_key)
  SELECT domain, username, mechanism, salt, iterations, stored_key, server_key FROM account_credentials_by_rowid;
DROP TABLE account_credentials_by_rowid;

ALTER TABLE roster_items RENAME TO roster_items_by_rowid;
CREATE TABLE roster_items (
  domain          TEXT    NOT NULL,
  username        TEXT    NOT NULL,
  contact         TEXT    NOT NULL,            -- the contact's prepared JID
  name            TEXT,
  group_names     TEXT    NOT NULL DEFAULT '', -- separated by U+0001, which XML text cannot hold
  subscribed_to   INTEGER NOT NULL DEFAULT 0,  -- the user receives the contact's presence
  subscribed_from INTEGER NOT NULL DEFAULT 0,  -- the contact receives the user's presence
  pending_out     INTEGER NOT NULL DEFAULT 0,  -- ask='subscribe'
  approved        INTEGER NOT NULL DEFAULT 0,  -- pre-approved (§3.4)
  PRIMARY KEY (domain, username, contact),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO roster_items (domain, username, contact, name, group_names, subscribed_to, subscribed_from,
                          pending_out, approved)
  SELECT domain, username, contact, name, group_names, subscribed_to, subscribed_from, pending_out, approved
  FROM roster_items_by_rowid;
DROP TABLE roster_items_by_rowid;

ALTER TABLE roster_versions RENAME TO roster_versions_by_rowid;
CREATE TABLE roster_versions (
  domain   TEXT    NOT NULL,
  username TEXT    NOT NULL,
  version  INTEGER NOT NULL,
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO roster_versions (domain, username, version)
  SELECT domain, username, version FROM roster_versions_by_rowid;
DROP TABLE roster_versions_by_rowid;
