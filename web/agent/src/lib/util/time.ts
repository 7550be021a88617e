// Compact, locale-aware time strings for dense lists ("5m", "2h", "3d" / "5分钟").

export type Locale = 'en' | 'zh';

const UNITS: Record<Locale, { now: string; m: string; h: string; d: string; sep: string; ago: string }> = {
  en: { now: 'now', m: 'm', h: 'h', d: 'd', sep: ' ', ago: '' },
  zh: { now: '刚刚', m: '分钟', h: '小时', d: '天', sep: '', ago: '前' },
};

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function toMs(iso: string | number | Date): number {
  return typeof iso === 'number' ? iso : new Date(iso).getTime();
}

/** "now", "5m", "2h", "3d", then a short date ("Mar 4", or "Mar 4, 2024" in another year). */
export function relativeTime(iso: string | number | Date, now: number, locale: Locale = 'en'): string {
  const at = toMs(iso);
  if (!Number.isFinite(at)) return '';
  const u = UNITS[locale];
  const diff = Math.max(0, now - at); // clock skew: a server time slightly ahead still reads "now"
  if (diff < MIN) return u.now;
  if (diff < HOUR) return `${Math.floor(diff / MIN)}${u.m}${u.ago}`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)}${u.h}${u.ago}`;
  if (diff < 7 * DAY) return `${Math.floor(diff / DAY)}${u.d}${u.ago}`;
  const d = new Date(at);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en', {
    month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }),
  }).format(d);
}

/** How long someone has been waiting, two units at most: "45s", "4m", "1h 20m", "2d 3h". */
export function waitingTime(sinceIso: string | number | Date, now: number, locale: Locale = 'en'): string {
  const at = toMs(sinceIso);
  if (!Number.isFinite(at)) return '';
  const u = UNITS[locale];
  const diff = Math.max(0, now - at);
  if (diff < MIN) return locale === 'zh' ? `${Math.floor(diff / 1000)}秒` : `${Math.floor(diff / 1000)}s`;
  if (diff < HOUR) return `${Math.floor(diff / MIN)}${u.m}`;
  if (diff < DAY) {
    const h = Math.floor(diff / HOUR);
    const m = Math.floor((diff % HOUR) / MIN);
    return m ? `${h}${u.h}${u.sep}${m}${u.m}` : `${h}${u.h}`;
  }
  const d = Math.floor(diff / DAY);
  const h = Math.floor((diff % DAY) / HOUR);
  return h ? `${d}${u.d}${u.sep}${h}${u.h}` : `${d}${u.d}`;
}

/** Call length: "0:07", "12:05", "1:02:03". */
export function formatDuration(totalSec: number): string {
  const s = Math.max(0, Math.round(totalSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function formatDateTime(iso: string, locale: Locale = 'en'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en', {
    dateStyle: 'medium', timeStyle: 'short',
  }).format(d);
}

export function formatClock(iso: string, locale: Locale = 'en'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en', { hour: '2-digit', minute: '2-digit' }).format(d);
}

/** Day heading for the timeline: calendar days in local time. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** Value for <input type="datetime-local"> in local time, e.g. tomorrow 09:00. */
export function toLocalInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
