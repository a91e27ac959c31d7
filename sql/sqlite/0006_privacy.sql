-- Privacy lists (XEP-0016), which also hold the blocklist (XEP-0191 §7: the jid/deny items of
-- the default list).
CREATE TABLE privacy_lists (
  domain     TEXT    NOT NULL,
  username   TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (domain, username, name),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);

CREATE TABLE privacy_items (
  domain     TEXT    NOT NULL,
  username   TEXT    NOT NULL,
  list_name  TEXT    NOT NULL,
  item_order INTEGER NOT NULL,
  item_type  TEXT    NOT NULL,  -- jid, group, subscription, or '' (fall-through)
  value      TEXT    NOT NULL,
  allows     INTEGER NOT NULL,  -- 1 allow, 0 deny
  kinds      INTEGER NOT NULL,  -- 1 message, 2 iq, 4 presence-in, 8 presence-out; 0: all
  PRIMARY KEY (domain, username, list_name, item_order),
  FOREIGN KEY (domain, username, list_name) REFERENCES privacy_lists (domain, username, name)
    ON DELETE CASCADE
);
