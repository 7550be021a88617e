import { describe, expect, it } from 'vitest';
import { isGsm7, smsSegments } from './sms';

describe('smsSegments', () => {
  it('counts nothing for an empty message', () => {
    expect(smsSegments('')).toMatchObject({ segments: 0, units: 0 });
  });
  it('fits 160 GSM-7 characters in one segment, 161 in two', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1, remaining: 0 });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ segments: 2, remaining: 153 * 2 - 161 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });
  it('counts extended characters as two septets and never splits them', () => {
    expect(smsSegments('€').units).toBe(2);
    expect(smsSegments('a'.repeat(159) + '€')).toMatchObject({ segments: 2, units: 161 });
    // 152 plain + € (2) cannot share the first 153-septet segment
    const info = smsSegments('a'.repeat(152) + '€' + 'a'.repeat(10));
    expect(info.segments).toBe(2);
    expect(info.remaining).toBe(153 - 12);
  });
  it('switches to UCS-2 for anything outside GSM-7', () => {
    expect(isGsm7('façade')).toBe(false); // lower-case ç is not in the GSM table (only Ç is)
    expect(smsSegments('你好')).toMatchObject({ encoding: 'UCS-2', units: 2, segments: 1, remaining: 68 });
    expect(smsSegments('x'.repeat(70) + '你').segments).toBe(2);
    expect(smsSegments('你'.repeat(70)).segments).toBe(1);
    expect(smsSegments('你'.repeat(71)).segments).toBe(2);
  });
  it('counts emoji as two UTF-16 units', () => {
    expect(smsSegments('😀').units).toBe(2);
    expect(smsSegments('😀'.repeat(35)).segments).toBe(1);
    expect(smsSegments('😀'.repeat(36)).segments).toBe(2);
  });
  it('keeps plain ASCII and common accents in GSM-7', () => {
    expect(isGsm7('Hello, World! é à ñ ü ß @ £')).toBe(true);
  });
});
