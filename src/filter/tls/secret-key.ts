/**
 * The secret key and AES-256-GCM sealing now live in `access/secret-box.ts`, so that casework
 * (incident evidence) can use them without importing the filter; this module keeps the old
 * import path working for the filter and the CLI.
 */
export {
  isSealedSecret,
  loadSecretKey,
  openSecret,
  sealSecret,
  SECRET_KEY_BYTES,
  SECRET_KEY_FILE,
  SecretKeyError,
  type SealedSecret,
  type SecretKey,
  type SecretKeySource,
} from '../../access/secret-box.ts';
