import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@parley/channel-kit';
import { AttachmentService, INLINE_SAFE_TYPES } from '@parley/core';
import { publicWidgetConfig } from './webchat-config';
import { VisitorAdmission, VisitorRefusal } from './visitor-admission.service';
import { verifyFileUrl } from './visitor-token';
import { WidgetDirectory } from './widget-directory.service';

/** Public widget routes: config for the launcher, the demo page's token, and signed attachment links. */
@Controller('widget')
export class WidgetController {
  constructor(private readonly admission: VisitorAdmission, private readonly directory: WidgetDirectory, private readonly attachments: AttachmentService) {}

  /** Non-secret settings, so the launcher can be drawn before (or without) opening a socket. */
  @Public() @Get('config')
  async config(@Query('token') token: string | undefined, @Headers('origin') origin: string | undefined, @Res({ passthrough: true }) res: Response) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'no-store');
    try {
      const w = await this.admission.inboxFor(token, origin);
      return { config: publicWidgetConfig(w.config), online: await this.directory.online(w) };
    } catch (e) {
      if (!(e instanceof VisitorRefusal)) throw e;
      res.status(e.code === 'unknown_widget' ? 404 : 403);
      return { error: e.code === 'unknown_widget' ? 'not_found' : 'forbidden', message: e.message, code: e.code };
    }
  }

  /**
   * The token of an inbox marked `demo: true` (the demo seed's "Website chat"), for the /demo page. Instances
   * without such an inbox answer 404, so nothing is exposed unless an admin opted in.
   */
  @Public() @Get('demo-token')
  async demoToken(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    const widgetToken = await this.directory.demoWidgetToken();
    if (!widgetToken) { res.status(404); return { error: 'not_found', message: 'this instance has no demo chat inbox' }; }
    return { widgetToken };
  }

  /** Served so a browser never runs what someone uploaded: nosniff, sandboxed, a download unless a plain image. */
  @Public() @Get('files/:inboxId/:attachmentId')
  async file(@Param('inboxId') inboxId: string, @Param('attachmentId') attachmentId: string, @Query('exp') exp: string | undefined, @Query('sig') sig: string | undefined, @Res() res: Response) {
    const w = await this.directory.inbox(inboxId);
    const row = w && verifyFileUrl(await this.directory.signingKey(w.inbox), inboxId, attachmentId, exp, sig)
      ? await this.attachments.repo.findById(w.inbox.workspaceId, attachmentId) : null;
    if (!row) { res.status(404).json({ error: 'not_found', message: 'this link is unknown or has expired' }); return; }
    const inline = INLINE_SAFE_TYPES.has(row.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
    // Shown inside other sites' pages (the widget), so it must be loadable cross-origin.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Content-Type', inline ? row.contentType : row.contentType.startsWith('text/') ? 'text/plain; charset=utf-8' : 'application/octet-stream');
    res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(row.name)}`);
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.sendFile(this.attachments.filePath(row));
  }
}
