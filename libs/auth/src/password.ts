import { hash, verify } from '@node-rs/argon2';

// Argon2id with the library's defaults (memory-hard); a prebuilt native binding, no compiler needed.
export const hashPassword = (plain: string): Promise<string> => hash(plain);
export const verifyPassword = async (stored: string, plain: string): Promise<boolean> => {
  try { return await verify(stored, plain); } catch { return false; }
};
