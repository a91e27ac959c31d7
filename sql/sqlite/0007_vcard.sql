-- One vCard per account (XEP-0054), with the XEP-0153 hash of its photo kept beside it so that
-- presence never parses the vCard.
CREATE TABLE vcards (
  domain     TEXT NOT NULL,
  username   TEXT NOT NULL,
  vcard      TEXT NOT NULL,  -- the <vCard xmlns='vcard-temp'/> element, serialized
  photo_hash TEXT NOT NULL,  -- SHA-1 of the decoded PHOTO/BINVAL in hex, '' without a photo
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);
