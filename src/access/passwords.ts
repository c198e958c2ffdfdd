import { hash, verify } from '@node-rs/argon2';

/** The demo accounts' password: accepted only for users of a demo school. */
export const demoPassword = 'haven-demo';

/** argon2id (algorithm 2) with the OWASP-recommended minimum cost: 19 MiB, 2 passes. */
const argonOptions = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions);
}

// Verified against when the username is unknown, so a miss costs as long as a hit.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(
  storedHash: string | null,
  password: string,
): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Why a password is not acceptable, or null. */
export function passwordProblem(password: string, context: { demoSchool: boolean }): string | null {
  if (password === demoPassword) {
    return context.demoSchool ? null : 'the demo password is accepted only in the demo school';
  }
  if (password.length < 10) return 'a password needs at least 10 characters';
  if (password.length > 200) return 'a password may have at most 200 characters';
  if (/^(.)\1+$/.test(password)) return 'a password cannot be one character repeated';
  return null;
}
