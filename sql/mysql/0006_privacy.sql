-- Privacy lists (XEP-0016), which also hold the blocklist (XEP-0191 §7: the jid/deny items of
-- the default list). List names are limited to 255 characters so that the keys fit InnoDB's
-- 3072 bytes.
CREATE TABLE privacy_lists (
  domain     VARCHAR(255) NOT NULL,
  username   VARCHAR(255) NOT NULL,
  name       VARCHAR(255) NOT NULL,
  is_default TINYINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (domain, username, name),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE privacy_items (
  domain     VARCHAR(255) NOT NULL,
  username   VARCHAR(255) NOT NULL,
  list_name  VARCHAR(255) NOT NULL,
  item_order INT UNSIGNED NOT NULL,
  item_type  VARCHAR(16)  NOT NULL,  -- jid, group, subscription, or '' (fall-through)
  value      TEXT         NOT NULL,
  allows     TINYINT      NOT NULL,  -- 1 allow, 0 deny
  kinds      TINYINT      NOT NULL,  -- 1 message, 2 iq, 4 presence-in, 8 presence-out; 0: all
  PRIMARY KEY (domain, username, list_name, item_order),
  FOREIGN KEY (domain, username, list_name) REFERENCES privacy_lists (domain, username, name)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
