-- When each account last went offline and the status it left with (XEP-0012).
CREATE TABLE last_activity (
  domain        VARCHAR(255) NOT NULL,
  username      VARCHAR(255) NOT NULL,
  logged_out_at BIGINT       NOT NULL,  -- seconds since the epoch
  status        TEXT         NOT NULL,
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
