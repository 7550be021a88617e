// Per-browser preferences (localStorage): language and how loudly to notify.
import { pickLocale, type Lang } from '../i18n';

interface PrefsData { lang: Lang; desktopAlerts: boolean; sound: boolean }
const KEY = 'parley.prefs';

function load(): PrefsData {
  const fallback: PrefsData = { lang: pickLocale(typeof navigator !== 'undefined' ? navigator.languages ?? [navigator.language] : []), desktopAlerts: true, sound: true };
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return fallback;
    const p = JSON.parse(raw) as Partial<PrefsData>;
    return {
      lang: p.lang === 'zh' || p.lang === 'en' ? p.lang : fallback.lang,
      desktopAlerts: p.desktopAlerts ?? true,
      sound: p.sound ?? true,
    };
  } catch {
    return fallback;
  }
}

class Prefs {
  #data = $state<PrefsData>(load());
  get lang() { return this.#data.lang; }
  set lang(v: Lang) { this.#data.lang = v; this.#save(); }
  get desktopAlerts() { return this.#data.desktopAlerts; }
  set desktopAlerts(v: boolean) { this.#data.desktopAlerts = v; this.#save(); }
  get sound() { return this.#data.sound; }
  set sound(v: boolean) { this.#data.sound = v; this.#save(); }
  #save() {
    try { localStorage.setItem(KEY, JSON.stringify(this.#data)); } catch { /* private mode */ }
    if (typeof document !== 'undefined') document.documentElement.lang = this.#data.lang === 'zh' ? 'zh-CN' : 'en';
  }
}

export const prefs = new Prefs();
if (typeof document !== 'undefined') document.documentElement.lang = prefs.lang === 'zh' ? 'zh-CN' : 'en';
