import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** AES-256-GCM for channel credentials at rest. Format: v1.<iv b64>.<tag b64>.<ciphertext b64>. */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    // Any string works as key material; hashing gives a uniform 32-byte key.
    this.key = createHash('sha256').update(keyMaterial, 'utf8').digest();
  }

  /** PARLEY_SECRET_KEY, or a development key generated once into the data directory. */
  static fromConfig(secretKey: string | null, dataDir: string): SecretBox {
    if (secretKey) return new SecretBox(secretKey);
    const file = path.join(dataDir, 'secret.key');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    }
    return new SecretBox(readFileSync(file, 'utf8').trim());
  }

  /** A stable, non-secret digest of the key: lets other features derive keys of their own from it. */
  fingerprint(): string {
    return createHash('sha256').update('parley-derive').update(this.key).digest('hex');
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), data.toString('base64')].join('.');
  }

  decrypt(box: string): string {
    const [v, iv, tag, data] = box.split('.');
    if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
  }

  encryptJson(value: unknown): string { return this.encrypt(JSON.stringify(value)); }
  decryptJson<T>(box: string): T { return JSON.parse(this.decrypt(box)) as T; }
}
