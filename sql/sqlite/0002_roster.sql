-- Rosters (RFC 6121 §2) with the subscription state of each contact (Appendix A).
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
);

-- Subscription requests the user has not answered (pending in, §3.1.3), whether or not the
-- contact is in the roster: the last request of each contact, as received.
CREATE TABLE subscription_requests (
  domain      TEXT    NOT NULL,
  username    TEXT    NOT NULL,
  contact     TEXT    NOT NULL,
  stanza      TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (domain, username, contact),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);

-- Roster versioning (§2.6): bumped on every change a client can see.
CREATE TABLE roster_versions (
  domain   TEXT    NOT NULL,
  username TEXT    NOT NULL,
  version  INTEGER NOT NULL,
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);
