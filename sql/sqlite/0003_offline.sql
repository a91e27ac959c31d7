-- Messages waiting for an account that was offline (XEP-0160), delivered and removed at its next
-- available presence.
CREATE TABLE offline_messages (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  domain    TEXT    NOT NULL,
  username  TEXT    NOT NULL,
  stored_at INTEGER NOT NULL,  -- seconds since the epoch, for the XEP-0203 delay stamp
  stanza    TEXT    NOT NULL,  -- serialized in jabber:client
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);
CREATE INDEX offline_messages_by_account ON offline_messages (domain, username, id);
