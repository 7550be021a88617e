import { Controller, Get, Param, Post, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { CurrentActor } from '@parley/auth';
import { AttachmentService, INLINE_SAFE_TYPES, invalid, type Actor } from '@parley/core';
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
  constructor(private readonly attachments: AttachmentService) {}

  @Post()
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: UPLOAD_LIMIT_BYTES(), files: 1 } }))
  async upload(@CurrentActor() a: Actor, @UploadedFile() file: UploadedBlob | undefined) {
    if (!file) throw invalid('send the file as multipart form field "file"', { file: 'required' });
    const row = await this.attachments.store(a.workspaceId, { name: file.originalname, contentType: file.mimetype, data: file.buffer }, { type: 'user', id: a.userId });
    return { id: row._id, name: row.name, contentType: row.contentType, size: row.size };
  }

  @Get(':id')
  async download(@CurrentActor() a: Actor, @Param('id') id: string, @Res() res: Response) {
    const { row, path } = await this.attachments.forDownload(a, id);
    sendAttachment(res, row, path);
  }
}
