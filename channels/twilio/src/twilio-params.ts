/** Twilio's form fields as the body parser hands them over: repeated keys become arrays. */
export type TwilioParams = Readonly<Record<string, string | string[]>>;

/**
 * Keeps only string and string-array values. Anything nested (a body parser expanding `a[b]=c`) is dropped,
 * which makes the signature check fail rather than validating something other than what Twilio signed.
 */
export function toTwilioParams(body: unknown): TwilioParams {
  const out: Record<string, string | string[]> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) out[k] = v;
  }
  return out;
}

/** First value of a field, or undefined when absent or empty. */
export function param(p: TwilioParams, key: string): string | undefined {
  const v = p[key];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

export function intParam(p: TwilioParams, key: string): number | undefined {
  const s = param(p, key);
  if (s === undefined) return undefined;
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
