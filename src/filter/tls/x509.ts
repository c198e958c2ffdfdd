import { webcrypto } from 'node:crypto';
// the Reflect metadata API must be in place before @peculiar/x509 (tsyringe) loads
import './reflect-metadata.ts';
import * as x509 from '@peculiar/x509';

/** `@peculiar/x509`, loaded after its Reflect polyfill and set to Node's WebCrypto. */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
