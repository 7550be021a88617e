// A tiny i18n core: dictionaries, interpolation, fallback (zh → en → key). Reactive glue lives in
// stores/locale.svelte.ts.
import { en, type MessageKey } from './i18n/en';
import { zh } from './i18n/zh';

export type Lang = 'en' | 'zh';
export type { MessageKey };
export type Dict = Partial<Record<MessageKey, string>>;

export const DICTS: Record<Lang, Dict> = { en, zh };
export const LANGS: Array<{ id: Lang; label: string }> = [{ id: 'en', label: 'English' }, { id: 'zh', label: '简体中文' }];

/** The first supported language in the browser's preference list; English otherwise. */
export function pickLocale(preferred: readonly string[] | undefined): Lang {
  for (const tag of preferred ?? []) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export type Params = Record<string, string | number>;

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function translate(dicts: Record<Lang, Dict>, lang: Lang, key: string, params?: Params): string {
  const k = key as MessageKey;
  const s = dicts[lang][k] ?? dicts.en[k] ?? key;
  return interpolate(s, params);
}
