import { describe, expect, it, vi } from 'vitest';
import { registerShortcut, runShortcut, shortcutFor } from './shortcuts';

describe('shortcutFor', () => {
  it('maps the documented keys', () => {
    expect(shortcutFor({ key: 'j', inField: false })).toBe('next');
    expect(shortcutFor({ key: 'k', inField: false })).toBe('prev');
    expect(shortcutFor({ key: 'e', inField: false })).toBe('resolve');
    expect(shortcutFor({ key: '?', inField: false })).toBe('help');
    expect(shortcutFor({ key: 'Escape', inField: false })).toBe('back');
    expect(shortcutFor({ key: 'x', inField: false })).toBeNull();
  });
  it('never fires while typing or with modifiers', () => {
    expect(shortcutFor({ key: 'j', inField: true })).toBeNull();
    expect(shortcutFor({ key: 'r', ctrlKey: true, inField: false })).toBeNull();
    expect(shortcutFor({ key: 'a', metaKey: true, inField: false })).toBeNull();
  });
});

describe('registry', () => {
  it('runs the latest registered handler and falls back after unregistering', () => {
    const a = vi.fn();
    const b = vi.fn();
    const offA = registerShortcut('resolve', a);
    const offB = registerShortcut('resolve', b);
    expect(runShortcut('resolve')).toBe(true);
    expect(b).toHaveBeenCalledTimes(1);
    offB();
    runShortcut('resolve');
    expect(a).toHaveBeenCalledTimes(1);
    offA();
    expect(runShortcut('resolve')).toBe(false);
  });
});
