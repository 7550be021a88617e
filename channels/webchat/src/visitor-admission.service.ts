import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { originAllowed } from './webchat-config';
import { identityHashValid, newAnonymousVisitorId, signVisitorToken, verifyVisitorToken, type VisitorClaim } from './visitor-token';
import { WidgetDirectory, type WidgetInbox } from './widget-directory.service';

/** Why a visitor was turned away: `code` reaches the widget as connect_error data.code or the HTTP error. */
export class VisitorRefusal extends Error {
  constructor(readonly code: string, message: string, readonly status: 401 | 403 = 403) {
    super(message);
    this.name = 'VisitorRefusal';
  }
}

export interface AdmittedVisitor {
  widget: WidgetInbox;
  key: Buffer;
  claim: VisitorClaim;
  visitorToken: string;
  /** Name and email the embedding site passed along with a verified identity. */
  profile: { name?: string; email?: string };
}

// Printable, no surrounding blanks: it becomes the contact's identity value and part of room names.
const printable = (s: string) => s.trim() === s && ![...s].some((ch) => { const c = ch.codePointAt(0) ?? 0; return c < 0x20 || c === 0x7f; });
const IdentityId = z.string().min(1).max(200).refine(printable, 'must be printable, without surrounding spaces');
const Identity = z.object({
  id: IdentityId,
  hash: z.string().max(128),
  name: z.string().trim().max(120).optional(),
  email: z.email().max(254).optional(),
});

/** The checks CONTRACT.md puts in front of the /widget namespace and the visitor upload route. */
@Injectable()
export class VisitorAdmission {
  constructor(private readonly directory: WidgetDirectory) {}

  async inboxFor(widgetToken: unknown, origin: string | undefined): Promise<WidgetInbox> {
    const widget = await this.directory.byWidgetToken(widgetToken);
    if (!widget) throw new VisitorRefusal('unknown_widget', 'unknown widget token', 401);
    if (!originAllowed(widget.config, origin)) throw new VisitorRefusal('origin_not_allowed', 'this website is not allowed to use this chat widget');
    return widget;
  }

  /** A socket handshake: widget token, origin, identity (verified or refused), then the visitor it speaks for. */
  async admitSocket(auth: Record<string, unknown>, origin: string | undefined): Promise<AdmittedVisitor> {
    const widget = await this.inboxFor(auth.widgetToken, origin);
    const key = await this.directory.signingKey(widget.inbox);
    let claim: VisitorClaim | null = null;
    let profile: AdmittedVisitor['profile'] = {};
    if (auth.identity !== undefined && auth.identity !== null) {
      const parsed = Identity.safeParse(auth.identity);
      if (!parsed.success) throw new VisitorRefusal('bad_identity', 'identity must be {id, hash} with a printable id of at most 200 characters');
      const secret = widget.config.identitySecret;
      if (!secret) throw new VisitorRefusal('bad_identity', 'this inbox does not verify identities (no identity secret is configured)');
      if (!identityHashValid(secret, parsed.data.id, parsed.data.hash)) throw new VisitorRefusal('bad_identity', 'the identity hash does not match');
      claim = { kind: 'i', visitorId: parsed.data.id };
      profile = { ...(parsed.data.name ? { name: parsed.data.name } : {}), ...(parsed.data.email ? { email: parsed.data.email } : {}) };
    } else if (widget.config.requireIdentity) {
      throw new VisitorRefusal('identity_required', 'this chat is only for signed-in users of the website');
    } else {
      const known = verifyVisitorToken(key, widget.inbox.id, auth.visitorToken);
      // A verified visitor's token without that identity (e.g. after the site logged them out) starts afresh.
      claim = known?.kind === 'a' ? known : { kind: 'a', visitorId: newAnonymousVisitorId() };
    }
    return { widget, key, claim, visitorToken: signVisitorToken(key, widget.inbox.id, claim), profile };
  }

  /** An upload: the visitor token must be one we issued for this inbox. */
  async admitUpload(widgetToken: unknown, visitorToken: unknown, origin: string | undefined): Promise<AdmittedVisitor> {
    const widget = await this.inboxFor(widgetToken, origin);
    const key = await this.directory.signingKey(widget.inbox);
    const claim = verifyVisitorToken(key, widget.inbox.id, visitorToken);
    if (!claim) throw new VisitorRefusal('unknown_visitor', 'the visitor token is missing or not valid for this widget', 401);
    return { widget, key, claim, visitorToken: visitorToken as string, profile: {} };
  }
}
