import { Controller, Get, Headers, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { bearerOf, CurrentActor, Public, TokenService } from '@parley/auth';
import { AttachmentService, INLINE_SAFE_TYPES, invalid, notFound, unauthenticated, type Actor } from '@parley/core';
import { UPLOAD_LIMIT_BYTES } from '../http/upload-limit';

export interface UploadedBlob { originalname: string; mimetype: string; buffer: Buffer; size: number }

/** Served so a browser never runs what someone uploaded: nosniff always, a download unless it is a plain image. */
export function sendAttachment(res: Response, row: { name: string; contentType: string; size: number }, path: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
  const inline = INLINE_SAFE_TYPES.has(row.contentType);
  res.setHeader('Content-Type', inline ? row.contentType : row.contentType.startsWith('text/') ? 'text/plain; charset=utf-8' : 'application/octet-stream');
  res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(row.name)}`);
  res.setHeader('Cache-Control', 'private, max-age=300');
  res.sendFile(path);
}

@Controller('api/v1/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentService, private readonly tokens: TokenService) {}

  @Post()
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: UPLOAD_LIMIT_BYTES(), files: 1 } }))
  async upload(@CurrentActor() a: Actor, @UploadedFile() file: UploadedBlob | undefined) {
    if (!file) throw invalid('send the file as multipart form field "file"', { file: 'required' });
    const row = await this.attachments.store(a.workspaceId, { name: file.originalname, contentType: file.mimetype, data: file.buffer }, { type: 'user', id: a.userId });
    return { id: row._id, name: row.name, contentType: row.contentType, size: row.size };
  }

  /** Either the caller's bearer token with the right to see the conversation, or a signed, expiring link. */
  @Public() @Get(':id')
  async download(@Param('id') id: string, @Query('exp') exp: string | undefined, @Query('sig') sig: string | undefined, @Headers('authorization') auth: string | undefined, @Res() res: Response) {
    if (sig !== undefined) {
      if (!this.attachments.verifySignature(id, exp, sig)) throw notFound('attachment');
      const { row, path } = await this.attachments.forSignedDownload(id);
      return sendAttachment(res, row, path);
    }
    const token = bearerOf(auth);
    const actor = token ? await this.tokens.resolve(token) : null;
    if (!actor) throw unauthenticated();
    const { row, path } = await this.attachments.forDownload(actor, id);
    sendAttachment(res, row, path);
  }

  /** A signed link for <img> tags and previews (they cannot send a bearer token). */
  @Get(':id/link')
  async link(@CurrentActor() a: Actor, @Param('id') id: string) {
    await this.attachments.forDownload(a, id);
    return { url: this.attachments.signedPath(id) };
  }
}
