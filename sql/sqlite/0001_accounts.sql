-- Accounts and their SCRAM keys (RFC 5802 / RFC 7677); passwords are never stored.
CREATE TABLE accounts (
  domain     TEXT    NOT NULL,
  username   TEXT    NOT NULL,  -- nodeprep'd localpart
  created_at INTEGER NOT NULL,
  PRIMARY KEY (domain, username)
);

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
);
