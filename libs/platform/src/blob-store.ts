import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** Attachments live as files under <dataDir>/blobs/<2 chars>/<key>: GridFS is off limits (DESIGN §3). */
export class BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!/^[a-z0-9_-]{8,80}$/i.test(key)) throw new Error('bad blob key');
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(data: Buffer): Promise<{ key: string; size: number }> {
    const key = randomBytes(18).toString('base64url');
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, file);
    return { key, size: data.length };
  }

  filePath(key: string): string { return this.pathOf(key); }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(() => true, () => false);
  }

  read(key: string): ReadStream { return createReadStream(this.pathOf(key)); }

  async remove(key: string): Promise<void> { await rm(this.pathOf(key), { force: true }); }
}
