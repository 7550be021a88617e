// Keyboard shortcuts: a pure key → action map, and a registry the mounted screens fill in.

export type Action = 'next' | 'prev' | 'reply' | 'note' | 'resolve' | 'assignMe' | 'help' | 'search' | 'back';

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** the event target is a text field / contenteditable */
  inField: boolean;
}

const MAP: Record<string, Action> = {
  j: 'next', k: 'prev', r: 'reply', n: 'note', e: 'resolve', a: 'assignMe', '?': 'help', '/': 'search',
};

export const SHORTCUT_LIST: Array<{ keys: string[]; action: Action }> = [
  { keys: ['j'], action: 'next' },
  { keys: ['k'], action: 'prev' },
  { keys: ['r'], action: 'reply' },
  { keys: ['n'], action: 'note' },
  { keys: ['e'], action: 'resolve' },
  { keys: ['a'], action: 'assignMe' },
  { keys: ['/'], action: 'search' },
  { keys: ['Esc'], action: 'back' },
  { keys: ['?'], action: 'help' },
];

export function shortcutFor(e: KeyLike): Action | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.inField) return null; // typing in the composer is never a shortcut
  if (e.key === 'Escape') return 'back';
  return MAP[e.key] ?? null;
}

export function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return false;
}

type Handler = () => void;
const registry = new Map<Action, Handler[]>();

/** The most recently mounted handler for an action wins (a dialog over a screen). */
export function registerShortcut(action: Action, fn: Handler): () => void {
  const list = registry.get(action) ?? [];
  list.push(fn);
  registry.set(action, list);
  return () => {
    const l = registry.get(action);
    if (l) registry.set(action, l.filter((h) => h !== fn));
  };
}

export function runShortcut(action: Action): boolean {
  const list = registry.get(action);
  const fn = list?.[list.length - 1];
  if (!fn) return false;
  fn();
  return true;
}
