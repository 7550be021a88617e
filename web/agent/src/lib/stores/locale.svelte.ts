// `t()` reads the current language from reactive prefs, so every string re-renders on switch.
import { DICTS, translate, type MessageKey, type Params } from '../i18n';
import { ApiError } from '../api';
import { prefs } from './prefs.svelte';

export function t(key: MessageKey, params?: Params): string {
  return translate(DICTS, prefs.lang, key, params);
}

/** A readable sentence for any failure: the server's message, or a translated fallback. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'network') return t('error.network');
    if (e.code === 'rate_limited') return e.message || t('error.rateLimited');
    const fields = e.fields ? Object.entries(e.fields).map(([k, v]) => `${k}: ${v}`).join('; ') : '';
    return fields && !e.message.includes(fields) ? `${e.message} (${fields})` : e.message;
  }
  if (e instanceof Error) return e.message;
  return t('error.unknown');
}
