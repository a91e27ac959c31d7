-- Accounts and their SCRAM keys (RFC 5802 / RFC 7677); passwords are never stored.
CREATE TABLE accounts (
  domain     VARCHAR(255) NOT NULL,
  username   VARCHAR(255) NOT NULL,  -- nodeprep'd localpart
  created_at BIGINT       NOT NULL,
  PRIMARY KEY (domain, username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE account_credentials (
  domain     VARCHAR(255) NOT NULL,
  username   VARCHAR(255) NOT NULL,
  mechanism  VARCHAR(32)  NOT NULL,  -- 'SCRAM-SHA-1' or 'SCRAM-SHA-256'
  salt       VARCHAR(255) NOT NULL,  -- base64
  iterations INT          NOT NULL,
  stored_key VARCHAR(255) NOT NULL,  -- base64 H(ClientKey)
  server_key VARCHAR(255) NOT NULL,  -- base64 HMAC(SaltedPassword, "Server Key")
  PRIMARY KEY (domain, username, mechanism),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
