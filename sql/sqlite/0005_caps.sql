-- Verified XEP-0115 capabilities: the disco#info result behind each "<hash> <ver>".
CREATE TABLE caps_cache (
  caps_key TEXT NOT NULL PRIMARY KEY,
  info     TEXT NOT NULL  -- the serialized disco#info <query/>
);
