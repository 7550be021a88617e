import { describe, expect, it } from 'vitest';
import { emailSrcdoc, formatBytes, isPreviewableImage, toPieces } from './text';

describe('toPieces', () => {
  it('keeps plain text as one piece, including markup-looking text', () => {
    expect(toPieces('<b>hi</b> & bye')).toEqual([{ kind: 'text', text: '<b>hi</b> & bye' }]);
  });
  it('finds http(s) links and leaves trailing punctuation out', () => {
    expect(toPieces('see https://x.io/a?b=1. ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://x.io/a?b=1', href: 'https://x.io/a?b=1' },
      { kind: 'text', text: '. ok' },
    ]);
    expect(toPieces('(https://en.wikipedia.org/wiki/Foo_(bar))')[1]).toMatchObject({ href: 'https://en.wikipedia.org/wiki/Foo_(bar)' });
  });
  it('never links javascript: or other schemes', () => {
    expect(toPieces('javascript:alert(1) ftp://x').every((p) => p.kind === 'text')).toBe(true);
  });
  it('marks mentions of known names, longest first', () => {
    expect(toPieces('@Ann Lee please check, @Ann too', ['Ann', 'Ann Lee'])).toEqual([
      { kind: 'mention', text: '@Ann Lee' },
      { kind: 'text', text: ' please check, ' },
      { kind: 'mention', text: '@Ann' },
      { kind: 'text', text: ' too' },
    ]);
    expect(toPieces('mail ann@Ann.com', ['Ann'])).toEqual([{ kind: 'text', text: 'mail ann@Ann.com' }]);
  });
});

describe('helpers', () => {
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });
  it('previews only raster image types (no SVG)', () => {
    expect(isPreviewableImage('image/png')).toBe(true);
    expect(isPreviewableImage('image/svg+xml')).toBe(false);
    expect(isPreviewableImage('text/html')).toBe(false);
  });
  it('wraps e-mail HTML with a CSP that blocks remote loads', () => {
    const doc = emailSrcdoc('<img src="https://track.example/p.gif">');
    expect(doc).toContain("default-src 'none'");
    expect(doc).toContain('img-src data: cid:');
  });
});
