-- Rosters (RFC 6121 §2) with the subscription state of each contact (Appendix A).
-- contact is limited to 255 characters so that the key fits InnoDB's 3072 bytes.
CREATE TABLE roster_items (
  domain          VARCHAR(255) NOT NULL,
  username        VARCHAR(255) NOT NULL,
  contact         VARCHAR(255) NOT NULL,            -- the contact's prepared JID
  name            TEXT,
  group_names     TEXT         NOT NULL,            -- separated by U+0001, which XML text cannot hold
  subscribed_to   TINYINT      NOT NULL DEFAULT 0,  -- the user receives the contact's presence
  subscribed_from TINYINT      NOT NULL DEFAULT 0,  -- the contact receives the user's presence
  pending_out     TINYINT      NOT NULL DEFAULT 0,  -- ask='subscribe'
  approved        TINYINT      NOT NULL DEFAULT 0,  -- pre-approved (§3.4)
  PRIMARY KEY (domain, username, contact),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Subscription requests the user has not answered (pending in, §3.1.3), whether or not the
-- contact is in the roster: the last request of each contact, as received.
CREATE TABLE subscription_requests (
  domain      VARCHAR(255) NOT NULL,
  username    VARCHAR(255) NOT NULL,
  contact     VARCHAR(255) NOT NULL,
  stanza      MEDIUMTEXT   NOT NULL,
  received_at BIGINT       NOT NULL,
  PRIMARY KEY (domain, username, contact),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Roster versioning (§2.6): bumped on every change a client can see.
CREATE TABLE roster_versions (
  domain   VARCHAR(255) NOT NULL,
  username VARCHAR(255) NOT NULL,
  version  BIGINT       NOT NULL,
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
