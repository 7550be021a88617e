/**
 * Folds quoted history and signatures out of a plain-text email body, so the conversation view shows what the
 * customer wrote this time. Conservative on purpose: when in doubt keep the text (the full body travels along
 * in meta.fullText), and never return an empty string for a non-empty body.
 */

export interface FoldResult {
  /** The new part of the message. */
  text: string;
  /** Whether anything was removed. */
  folded: boolean;
}

/** "On <date>, <who> wrote:" and its translations, tested on one line or a line joined with the next two. */
const ATTRIBUTION_START = /^\s*(On|Am|Le|El|Il|Op|Em|Den|På|W dniu|Dne)\s/i;
const ATTRIBUTION_END = [
  /\bwrote\s*:\s*$/i,
  /\bschrieb\b.*:\s*$/i,
  /\ba écrit\s*:\s*$/i,
  /\bescribió\s*:\s*$/i,
  /\bha scritto\s*:\s*$/i,
  /\bschreef\b.*:\s*$/i,
  /\bescreveu\s*:\s*$/i,
  /\bskrev\b.*:\s*$/i,
  /\bnapisał\b.*:\s*$/i,
  /\bnapsal\b.*:\s*$/i,
];
/** Chinese/Japanese clients put the attribution at the end without a leading word. */
const CJK_ATTRIBUTION = /(写道|寫道|のメッセージ|が書きました)\s*[：:]?\s*$/;

const ORIGINAL_SEPARATOR =
  /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Mensagem original|Originalmeddelande|原始邮件|原始郵件|元のメッセージ)\s*-{2,}\s*$/i;
const UNDERSCORE_RULE = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\*?(From|Von|De|Van|Da|Från|Fra|Od|发件人|寄件者|差出人)\s*\*?\s*[:：]/i;
const HEADER_SENT = /^\s*\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado|Inviato|Verzonden|Skickat|Sendt|Wysłano|发送时间|日期|寄件日期|送信日時)\s*\*?\s*[:：]/i;
const HEADER_OTHER = /^\s*\*?(To|Subject|Cc|An|Betreff|À|Objet|Para|Asunto|A|Oggetto|Aan|Onderwerp|Till|Ämne|Til|Emne|收件人|主题|收件者|主旨|宛先|件名)\s*\*?\s*[:：]/i;
const MOBILE_FOOTER =
  /^\s*(Sent from my \S.{0,40}|Sent from (Mail|Outlook|Yahoo Mail) for \S.{0,30}|Get Outlook for \S.{0,20}|Sent from Outlook|Envoyé de mon \S.{0,30}|Von meinem \S.{0,40} gesendet|Enviado desde mi \S.{0,30}|Inviato da \S.{0,30})\s*$/i;

const isQuoted = (line: string) => /^\s*>/.test(line);
const isBlank = (line: string) => line.trim() === '';

export function foldQuotedText(body: string): FoldResult {
  const full = body.replace(/\r\n?/g, '\n');
  const lines = full.split('\n');
  let cut = lines.length;

  // 1. Outlook-style history: an "Original Message" rule or a From:/Sent: header block. Not ">"-quoted, so it
  //    can only be recognised by its header; everything below it is old.
  for (let i = 0; i < lines.length; i++) {
    if (ORIGINAL_SEPARATOR.test(lines[i]) || isHeaderBlock(lines, i) ||
      (UNDERSCORE_RULE.test(lines[i]) && isHeaderBlock(lines, nextNonBlank(lines, i + 1)))) {
      cut = i;
      break;
    }
  }

  // 2. "On ... wrote:" followed by quoted lines. If unquoted text follows the quote (inline or bottom
  //    posting), the answer is interleaved with the history: keep it all rather than lose the answer.
  for (let i = 0; i < cut; i++) {
    const span = attributionSpan(lines, i);
    if (!span) continue;
    const after = lines.slice(i + span, cut);
    const hasQuoted = after.some(isQuoted);
    const hasUnquoted = after.some((l) => !isQuoted(l) && !isBlank(l));
    if (!(hasQuoted && hasUnquoted)) cut = i;
    break;
  }

  // 3. A trailing block of "> " lines (top-posting without an attribution line).
  let end = cut;
  while (end > 0 && (isQuoted(lines[end - 1]) || isBlank(lines[end - 1]))) end--;
  if (lines.slice(end, cut).some(isQuoted)) cut = end;

  // 4. The "-- " signature delimiter (RFC 3676); many clients strip the trailing space.
  for (let i = 1; i < cut; i++) {
    const l = (lines[i]).replace(/\s+$/, '');
    if ((l === '--' || l === '-- ') && lines.slice(0, i).some((x) => !isBlank(x))) {
      cut = i;
      break;
    }
  }

  // 5. "Sent from my iPhone" and friends, and the blank lines around them.
  let tail = cut;
  while (tail > 0 && (isBlank(lines[tail - 1]) || MOBILE_FOOTER.test(lines[tail - 1]))) tail--;
  cut = tail;

  const text = lines.slice(0, cut).join('\n').trim();
  const whole = full.trim();
  if (!text) return { text: whole, folded: false };
  return { text, folded: text !== whole };
}

/** Number of lines (1–3) the attribution at line i spans, or 0. */
function attributionSpan(lines: string[], i: number): number {
  const first = lines[i];
  if (isQuoted(first)) return 0;
  if (CJK_ATTRIBUTION.test(first) && /\d/.test(first)) return 1;
  if (!ATTRIBUTION_START.test(first)) {
    // "John Doe <john@example.com> wrote:" directly above a quote (Thunderbird without a date, mutt).
    if (/\bwrote\s*:\s*$/i.test(first) && /@|\d/.test(first) && isQuoted(lines[nextNonBlank(lines, i + 1)] ?? '')) return 1;
    return 0;
  }
  for (let span = 1; span <= 3 && i + span <= lines.length; span++) {
    const joined = lines.slice(i, i + span).join(' ');
    // A date or an address distinguishes an attribution from a sentence like "On Monday my colleague wrote:".
    if (ATTRIBUTION_END.some((re) => re.test(joined)) && /\d|@/.test(joined)) return span;
    if (span > 1 && isQuoted(lines[i + span - 1])) break;
  }
  return 0;
}

function isHeaderBlock(lines: string[], i: number): boolean {
  if (i < 0 || i >= lines.length) return false;
  const strip = (l: string) => l.replace(/^\s*>\s?/, '');
  if (!HEADER_FROM.test(strip(lines[i]))) return false;
  let sent = false;
  let other = false;
  for (let j = i + 1; j < Math.min(lines.length, i + 7); j++) {
    const l = strip(lines[j]);
    if (HEADER_SENT.test(l)) sent = true;
    else if (HEADER_OTHER.test(l)) other = true;
  }
  return sent && other;
}

function nextNonBlank(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) if (!isBlank(lines[i])) return i;
  return -1;
}
