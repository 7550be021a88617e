import { authenticator } from 'otplib';

authenticator.options = { window: 1 };

export const newTotpSecret = (): string => authenticator.generateSecret();
export const totpUri = (email: string, secret: string): string => authenticator.keyuri(email, 'Parley', secret);
export const checkTotp = (secret: string, code: string): boolean => {
  try { return authenticator.check(code.replace(/\s+/g, ''), secret); } catch { return false; }
};
export const totpNow = (secret: string): string => authenticator.generate(secret);
