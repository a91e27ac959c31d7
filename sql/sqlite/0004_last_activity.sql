-- When each account last went offline and the status it left with (XEP-0012).
CREATE TABLE last_activity (
  domain        TEXT    NOT NULL,
  username      TEXT    NOT NULL,
  logged_out_at INTEGER NOT NULL,  -- seconds since the epoch
  status        TEXT    NOT NULL,
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);
