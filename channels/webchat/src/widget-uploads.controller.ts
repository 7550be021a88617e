import { CanActivate, Controller, ExecutionContext, HttpCode, Injectable, Options, Post, Req, Res, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { Public } from '@parley/channel-kit';
import { AttachmentService, DomainError } from '@parley/core';
import { checkUpload, VISITOR_UPLOAD_LIMIT_BYTES } from './upload-policy';
import { VisitorAdmission, VisitorRefusal, type AdmittedVisitor } from './visitor-admission.service';
import { VisitorConversationService } from './visitor-conversation.service';
import { VISITOR_UPLOADS_PER_MINUTE, VisitorLimiter } from './visitor-limits';

interface UploadedBlob { originalname: string; mimetype: string; buffer: Buffer; size: number }
type VisitorRequest = Request & { visitor?: AdmittedVisitor };

const header = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Cross-origin by nature: the widget runs on the customer's site and posts to the hub. */
function allowCors(req: Request, res: Response): void {
  const origin = header(req, 'origin');
  if (origin) { res.setHeader('Access-Control-Allow-Origin', origin); res.setHeader('Vary', 'Origin'); }
}

/**
 * Checks the widget and visitor tokens (and the origin) from the headers before multer reads a 10 MB body,
 * and spends the visitor's upload budget.
 */
@Injectable()
export class VisitorUploadGuard implements CanActivate {
  private readonly limiter = new VisitorLimiter(VISITOR_UPLOADS_PER_MINUTE);
  constructor(private readonly admission: VisitorAdmission) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<VisitorRequest>();
    allowCors(req, ctx.switchToHttp().getResponse<Response>());
    try {
      req.visitor = await this.admission.admitUpload(header(req, 'x-widget-token'), header(req, 'x-visitor-token'), header(req, 'origin'));
    } catch (e) {
      if (e instanceof VisitorRefusal) throw new DomainError(e.status, e.status === 401 ? 'unauthenticated' : 'forbidden', e.message);
      throw e;
    }
    const wait = await this.limiter.take(`${req.visitor.widget.inbox.id}:${req.visitor.claim.visitorId}`);
    if (wait) throw new DomainError(429, 'rate_limited', `too many uploads; try again in ${wait} s`);
    return true;
  }
}

/** `POST /widget/uploads` (multipart `file`, headers X-Widget-Token and X-Visitor-Token) → `{id}`. */
@Controller('widget/uploads')
export class WidgetUploadsController {
  constructor(private readonly attachments: AttachmentService, private readonly visitors: VisitorConversationService) {}

  @Public() @Options() @HttpCode(204)
  preflight(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    allowCors(req, res);
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'X-Widget-Token, X-Visitor-Token');
    res.setHeader('Access-Control-Max-Age', '600');
  }

  @Public() @Post()
  @UseGuards(VisitorUploadGuard)
  // One byte over the limit lets checkUpload answer 413 in the contract's words for anything larger.
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: VISITOR_UPLOAD_LIMIT_BYTES + 1, files: 1 } }))
  async upload(@Req() req: VisitorRequest, @UploadedFile() file: UploadedBlob | undefined, @Res({ passthrough: true }) res: Response) {
    const v = req.visitor!;
    if (!file) { res.status(400); return { error: 'invalid_request', message: 'send the file as multipart form field "file"', fields: { file: 'required' } }; }
    const verdict = checkUpload(file);
    if (!verdict.ok) { res.status(verdict.status); return { error: verdict.error, message: verdict.message }; }
    const contactId = await this.visitors.ensureContact({
      workspaceId: v.widget.inbox.workspaceId, inboxId: v.widget.inbox.id, visitorId: v.claim.visitorId, verified: v.claim.kind === 'i', profile: {}, contactId: null,
    });
    const row = await this.attachments.store(v.widget.inbox.workspaceId, { name: file.originalname, contentType: verdict.contentType, data: file.buffer }, { type: 'contact', id: contactId });
    res.status(201);
    return { id: row._id, name: row.name, contentType: row.contentType, size: row.size };
  }
}
