// Receipt signing keys for tests only: generated for this repository, never used anywhere else.

/** An Ed25519 private key as a JWK, as `RECEIPT_SIGNING_KEY` may give it. */
export const TEST_RECEIPT_KEY =
  '{"crv":"Ed25519","d":"uBbbNwqhMHsviynP9f1JpUC7eOCphye2xrZprDkUlGQ","x":"tP_fX23sH3LMLS2W_wySkRod3IJb3v2cJ4qQlrGHz6c","kty":"OKP"}'

/** A second key, for rotation. */
export const TEST_RECEIPT_KEY_2 =
  '{"crv":"Ed25519","d":"ghrXXROie4AV5scCMniI8DPVbQULjvnsUwOGQZi9K60","x":"S3BqiBlDI6jYaveprsFOxr6UPmLATtKdxsNgDTm7B8o","kty":"OKP"}'

/** An Ed25519 private key as a PKCS#8 PEM. */
export const TEST_RECEIPT_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIDbRJ3tlevFF76IEPpKV5//ScbVDCJm+Ls6LZAqCjZ90
-----END PRIVATE KEY-----
`
