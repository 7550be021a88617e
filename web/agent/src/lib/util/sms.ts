// SMS segment counting as carriers do it: GSM 03.38 (7-bit) when every character fits, UCS-2 otherwise.

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f'; // each costs an escape + the char: 2 septets

const basic = new Set(GSM_BASIC);
const extended = new Set(GSM_EXTENDED);

export interface SmsInfo {
  encoding: 'GSM-7' | 'UCS-2';
  /** septets (GSM-7) or UTF-16 code units (UCS-2) */
  units: number;
  segments: number;
  /** units left in the current (last) segment before another one starts */
  remaining: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extended.has(ch)) return false;
  return true;
}

/** Pack weighted items into segments without splitting an item (an escape pair or a surrogate pair). */
function pack(weights: number[], single: number, multi: number): { units: number; segments: number; remaining: number } {
  const units = weights.reduce((a, b) => a + b, 0);
  if (units === 0) return { units: 0, segments: 0, remaining: single };
  if (units <= single) return { units, segments: 1, remaining: single - units };
  let segments = 1;
  let used = 0;
  for (const w of weights) {
    if (used + w > multi) { segments++; used = 0; }
    used += w;
  }
  return { units, segments, remaining: multi - used };
}

export function smsSegments(text: string): SmsInfo {
  if (isGsm7(text)) {
    const weights = [...text].map((ch) => (extended.has(ch) ? 2 : 1));
    return { encoding: 'GSM-7', ...pack(weights, 160, 153) };
  }
  const weights = [...text].map((ch) => ch.length); // code points outside the BMP take 2 UTF-16 units
  return { encoding: 'UCS-2', ...pack(weights, 70, 67) };
}
