-- One vCard per account (XEP-0054), with the XEP-0153 hash of its photo kept beside it so that
-- presence never parses the vCard.
CREATE TABLE vcards (
  domain     VARCHAR(255) NOT NULL,
  username   VARCHAR(255) NOT NULL,
  vcard      MEDIUMTEXT   NOT NULL,  -- the <vCard xmlns='vcard-temp'/> element, serialized
  photo_hash VARCHAR(40)  NOT NULL,  -- SHA-1 of the decoded PHOTO/BINVAL in hex, '' without a photo
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
