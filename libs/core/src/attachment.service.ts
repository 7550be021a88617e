import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Database, WorkspaceScopedRepository, type AttachmentDoc } from '@parley/persistence';
import { BlobStore, newId, SecretBox } from '@parley/platform';
import { AccessService } from './access.service';
import type { Actor } from './actor';
import { invalid, notFound } from './errors';

export type AttachmentRow = AttachmentDoc & { _id: string };
/** Image types a browser may show inline; everything else downloads as a file. */
export const INLINE_SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function safeFileName(name: string): string {
  // Control characters in a file name would break the Content-Disposition header: stripping them is the point.
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f"\\/]/g, '_').trim().slice(0, 200);
  return cleaned || 'file';
}

@Injectable()
export class AttachmentService {
  readonly repo: WorkspaceScopedRepository<AttachmentRow>;

  private readonly urlKey: Buffer;

  constructor(private readonly db: Database, @Inject(BlobStore) private readonly blobs: BlobStore, private readonly access: AccessService, @Inject(SecretBox) box: SecretBox) {
    this.repo = new WorkspaceScopedRepository<AttachmentRow>(db.attachments as never);
    // A key of its own for link signatures, derived from the secret key so it survives restarts.
    this.urlKey = createHmac('sha256', 'parley-attachment-links').update(box.fingerprint()).digest();
  }

  /**
   * A link that works without a bearer token until it expires: for providers that fetch media (Twilio MMS)
   * and for <img> tags. The signature covers the id and the expiry.
   */
  signedPath(id: string, ttlSeconds = 3600): string {
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    return `/api/v1/attachments/${id}?exp=${exp}&sig=${this.sign(id, exp)}`;
  }

  verifySignature(id: string, exp: string | undefined, sig: string | undefined): boolean {
    const e = Number(exp);
    if (!sig || !Number.isFinite(e) || e < Date.now() / 1000) return false;
    const want = Buffer.from(this.sign(id, e));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private sign(id: string, exp: number): string {
    return createHmac('sha256', this.urlKey).update(`${id}.${exp}`).digest('base64url');
  }

  async forSignedDownload(id: string): Promise<{ row: AttachmentRow; path: string }> {
    const row = await this.db.attachments.findById(id).lean<AttachmentRow>().exec();
    if (!row) throw notFound('attachment');
    return { row, path: this.blobs.filePath(row.blobKey) };
  }

  async store(workspaceId: string, file: { name: string; contentType: string; data: Buffer; contentId?: string | null }, uploadedBy: { type: 'user' | 'contact' | 'system'; id?: string }, conversationId: string | null = null): Promise<AttachmentRow> {
    const { key, size } = await this.blobs.put(file.data);
    return this.repo.insert(workspaceId, {
      _id: newId(), name: safeFileName(file.name), contentType: (file.contentType || 'application/octet-stream').toLowerCase().split(';')[0].trim(), size,
      blobKey: key, uploadedBy, conversationId, contentId: file.contentId ?? null, createdAt: new Date(),
    });
  }

  /** Attachments a new message may carry: uploaded by this author and not yet used elsewhere. */
  async claim(workspaceId: string, ids: string[], uploader: { type: 'user' | 'contact'; id: string }, conversationId: string): Promise<AttachmentRow[]> {
    const unique = [...new Set(ids)];
    const rows = await this.repo.findByIds(workspaceId, unique);
    for (const id of unique) {
      const r = rows.find((x) => x._id === id);
      const by = r?.uploadedBy as { type: string; id?: string } | undefined;
      if (!r || by?.type !== uploader.type || by.id !== uploader.id || (r.conversationId && r.conversationId !== conversationId)) {
        throw invalid('unknown attachment id', { attachmentIds: `${id} is not an upload of yours` });
      }
    }
    await this.repo.updateMany(workspaceId, { _id: { $in: unique } }, { $set: { conversationId } });
    return unique.map((id) => rows.find((r) => r._id === id)!);
  }

  /** A download needs the same right as the conversation it belongs to; an unattached upload, its uploader. */
  async forDownload(actor: Actor, id: string): Promise<{ row: AttachmentRow; path: string }> {
    const row = await this.repo.findById(actor.workspaceId, id);
    if (!row) throw notFound('attachment');
    if (row.conversationId) {
      const conv = await this.db.conversations.findOne({ _id: row.conversationId, workspaceId: actor.workspaceId }).lean().exec();
      if (!conv || !this.access.canSee(await this.access.visibility(actor), conv)) throw notFound('attachment');
    } else {
      const by = row.uploadedBy as { type: string; id?: string };
      if (by.type !== 'user' || by.id !== actor.userId) throw notFound('attachment');
    }
    return { row, path: this.blobs.filePath(row.blobKey) };
  }

  filePath(row: AttachmentRow): string { return this.blobs.filePath(row.blobKey); }
}
