-- Verified XEP-0115 capabilities: the disco#info result behind each "<hash> <ver>".
CREATE TABLE caps_cache (
  caps_key VARCHAR(255) NOT NULL PRIMARY KEY,
  info     MEDIUMTEXT   NOT NULL  -- the serialized disco#info <query/>
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
