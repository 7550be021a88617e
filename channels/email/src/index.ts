export * from './email-config';
export * from './email.adapter';
export * from './email-connection.tester';
export * from './email-channel.module';
export * from './imap-poller.service';
export { CHECKPOINT_KEY, LEASE_NAME, type ImapCheckpoint, type MailboxWorkerOptions } from './imap-mailbox.worker';
export { parseInboundEmail, type ParseContext } from './mail-parser';
export { foldQuotedText } from './quote-folding';
export { sanitizeEmailHtml } from './html-sanitizer';
export {
  buildMessageId,
  collectReferences,
  conversationIdFromAddress,
  conversationIdFromMessageId,
  extractMessageIds,
  normalizeMessageId,
  threadKeyFor,
} from './thread-ids';
