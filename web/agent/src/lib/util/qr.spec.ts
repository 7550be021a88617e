import { describe, expect, it } from 'vitest';
import { encodeQr, qrPath } from './qr';

// Byte-mode capacities at error correction level M (ISO/IEC 18004 table 7).
const CAPACITY_M: Record<number, number> = { 1: 14, 2: 26, 5: 84, 10: 213 };

function formatBits(q: ReturnType<typeof encodeQr>): { first: number; second: number } {
  const m = q.modules;
  const s = q.size;
  let first = 0;
  const a: boolean[] = [];
  for (let i = 0; i <= 5; i++) a.push(m[i][8]);
  a.push(m[7][8], m[8][8], m[8][7]);
  for (let i = 9; i < 15; i++) a.push(m[8][14 - i]);
  a.forEach((b, i) => { if (b) first |= 1 << i; });
  let second = 0;
  const b2: boolean[] = [];
  for (let i = 0; i < 8; i++) b2.push(m[8][s - 1 - i]);
  for (let i = 8; i < 15; i++) b2.push(m[s - 15 + i][8]);
  b2.forEach((b, i) => { if (b) second |= 1 << i; });
  return { first, second };
}

describe('encodeQr', () => {
  it('picks the smallest version that holds the data', () => {
    for (const [ver, cap] of Object.entries(CAPACITY_M)) {
      expect(encodeQr('a'.repeat(cap)).version).toBe(Number(ver));
      expect(encodeQr('a'.repeat(cap + 1)).version).toBe(Number(ver) + 1);
    }
  });
  it('draws finder patterns, timing patterns and the dark module', () => {
    const q = encodeQr('otpauth://totp/Parley:a%40b.c?secret=JBSWY3DPEHPK3PXP&issuer=Parley');
    expect(q.size).toBe(q.version * 4 + 17);
    const finderRow = [true, true, true, true, true, true, true, false];
    expect(q.modules[0].slice(0, 8)).toEqual(finderRow);
    expect(q.modules[0].slice(q.size - 8).reverse()).toEqual(finderRow);
    expect(q.modules[3].slice(0, 7)).toEqual([true, false, true, true, true, false, true]);
    for (let i = 8; i < q.size - 8; i++) expect(q.modules[6][i]).toBe(i % 2 === 0);
    expect(q.modules[q.size - 8][8]).toBe(true);
  });
  it('writes the same valid format information twice (level M, the chosen mask)', () => {
    const q = encodeQr('https://example.com/some/longer/path?with=query');
    const { first, second } = formatBits(q);
    expect(first).toBe(second);
    const data = (first ^ 0x5412) >>> 10;
    expect(data >> 3).toBe(0); // M
    expect(data & 7).toBe(q.mask);
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    expect(((data << 10) | rem) ^ 0x5412).toBe(first);
  });
  it('encodes UTF-8 and refuses what cannot fit', () => {
    expect(encodeQr('你好').version).toBe(1);
    expect(() => encodeQr('x'.repeat(3000))).toThrow();
  });
  it('renders one square per dark module', () => {
    const q = encodeQr('hi');
    const dark = q.modules.flat().filter(Boolean).length;
    expect(qrPath(q).match(/M/g)).toHaveLength(dark);
  });
});
