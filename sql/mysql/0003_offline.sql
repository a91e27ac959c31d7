-- Messages waiting for an account that was offline (XEP-0160), delivered and removed at its next
-- available presence.
CREATE TABLE offline_messages (
  id        BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  domain    VARCHAR(255) NOT NULL,
  username  VARCHAR(255) NOT NULL,
  stored_at BIGINT       NOT NULL,  -- seconds since the epoch, for the XEP-0203 delay stamp
  stanza    MEDIUMTEXT   NOT NULL,  -- serialized in jabber:client
  INDEX offline_messages_by_account (domain, username, id),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
