import type { HeaderReader } from './mail-headers';

const AUTO_SUBJECT = /^\s*(automatic reply|auto[- ]?reply|autoreply|autosvar|abwesenheitsnotiz|automatische antwort|réponse automatique|respuesta automática|risposta automatica)\s*:/i;
const OUT_OF_OFFICE_SUBJECT = /^\s*out of (the )?office\s*(:|\b(reply|autoreply|auto-reply)\b)/i;

/**
 * Why this mail is machine-generated noise (auto-reply, vacation notice, list or bulk mail), or null.
 * Such mail is stored but must open nothing and trigger no automatic answer: answering an auto-reply with an
 * auto-reply is how mail loops start (RFC 3834).
 */
export function autoReplyReason(h: HeaderReader, subject: string | undefined, inboxAddress: string): string | null {
  const autoSubmitted = h.get('auto-submitted');
  if (autoSubmitted !== undefined && !/^\s*no\b/i.test(autoSubmitted)) return `Auto-Submitted: ${autoSubmitted}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-reply']) {
    const v = h.get(name);
    if (v !== undefined && !/^\s*(no|false|0)\s*$/i.test(v)) return `${name}: ${v}`;
  }
  const precedence = h.get('precedence');
  if (precedence && /^\s*(bulk|junk|list|auto_reply)\b/i.test(precedence)) return `Precedence: ${precedence}`;
  const listId = h.get('list-id');
  if (listId && /auto/i.test(listId)) return `List-Id: ${listId}`;
  if (h.all('x-loop').some((v) => v.toLowerCase().includes(inboxAddress.toLowerCase()))) return 'X-Loop: our own address';
  if (subject && (AUTO_SUBJECT.test(subject) || OUT_OF_OFFICE_SUBJECT.test(subject))) return `subject: ${subject}`;
  return null;
}
