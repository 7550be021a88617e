import { describe, expect, it } from 'vitest';
import { isOpen, validateBusinessHours, type BusinessHours } from './business-hours';

const berlin: BusinessHours = {
  timezone: 'Europe/Berlin',
  weekly: { mon: [['09:00', '12:00'], ['13:00', '17:00']], tue: [['09:00', '17:00']], sat: [['22:00', '02:00']] },
  holidays: ['2026-12-25'],
};

describe('isOpen', () => {
  it('treats missing business hours as always open', () => {
    expect(isOpen(null, new Date('2026-01-04T03:00:00Z'))).toBe(true);
    expect(isOpen(undefined, new Date('2026-01-04T03:00:00Z'))).toBe(true);
  });

  it('evaluates ranges in the inbox timezone, not UTC', () => {
    // Monday 2026-03-02: Berlin is UTC+1 in winter.
    expect(isOpen(berlin, new Date('2026-03-02T08:00:00Z'))).toBe(true); // 09:00 local
    expect(isOpen(berlin, new Date('2026-03-02T07:59:00Z'))).toBe(false); // 08:59 local
    expect(isOpen(berlin, new Date('2026-03-02T11:30:00Z'))).toBe(false); // lunch 12:30 local
    expect(isOpen(berlin, new Date('2026-03-02T15:59:00Z'))).toBe(true); // 16:59 local
    expect(isOpen(berlin, new Date('2026-03-02T16:00:00Z'))).toBe(false); // 17:00 local: end is exclusive
  });

  it('follows daylight saving time', () => {
    // Tuesday 2026-07-07: Berlin is UTC+2 in summer, so 07:30Z is 09:30 local.
    expect(isOpen(berlin, new Date('2026-07-07T07:30:00Z'))).toBe(true);
    expect(isOpen(berlin, new Date('2026-07-07T15:30:00Z'))).toBe(false); // 17:30 local
  });

  it('uses the local weekday, which can differ from the UTC weekday', () => {
    const tokyo: BusinessHours = { timezone: 'Asia/Tokyo', weekly: { mon: [['08:00', '10:00']] } };
    // Sunday 23:30 UTC is Monday 08:30 in Tokyo.
    expect(isOpen(tokyo, new Date('2026-03-01T23:30:00Z'))).toBe(true);
    expect(isOpen(tokyo, new Date('2026-03-02T23:30:00Z'))).toBe(false); // Tuesday local
  });

  it('closes the whole local date of a holiday', () => {
    // 2026-12-24/25 are Thursday/Friday; make both working days to prove the holiday wins.
    const bh: BusinessHours = { ...berlin, weekly: { thu: [['00:00', '24:00']], fri: [['00:00', '24:00']] } };
    expect(isOpen(bh, new Date('2026-12-25T10:00:00Z'))).toBe(false);
    // 2026-12-24T23:30Z is already the 25th in Berlin.
    expect(isOpen(bh, new Date('2026-12-24T23:30:00Z'))).toBe(false);
    expect(isOpen(bh, new Date('2026-12-24T22:30:00Z'))).toBe(true); // 23:30 on the 24th, local
  });

  it('lets a range run past midnight into the next day', () => {
    // Saturday 2026-03-07 22:00 → Sunday 02:00 local (UTC+1).
    expect(isOpen(berlin, new Date('2026-03-07T21:30:00Z'))).toBe(true); // Sat 22:30
    expect(isOpen(berlin, new Date('2026-03-08T00:30:00Z'))).toBe(true); // Sun 01:30
    expect(isOpen(berlin, new Date('2026-03-08T01:00:00Z'))).toBe(false); // Sun 02:00
  });

  it('treats a day without ranges as closed', () => {
    expect(isOpen(berlin, new Date('2026-03-04T10:00:00Z'))).toBe(false); // Wednesday
  });
});

describe('validateBusinessHours', () => {
  it('accepts the contract shape', () => {
    expect(validateBusinessHours({ timezone: 'America/New_York', weekly: { mon: [['09:00', '17:00']] }, holidays: ['2026-07-04'] }))
      .toEqual({ timezone: 'America/New_York', weekly: { mon: [['09:00', '17:00']] }, holidays: ['2026-07-04'] });
  });

  it('names the offending field', () => {
    expect(() => validateBusinessHours({ timezone: 'Mars/Olympus', weekly: {} })).toThrow(/businessHours\.timezone/);
    expect(() => validateBusinessHours({ timezone: 'UTC', weekly: { monday: [] } })).toThrow(/businessHours\.weekly\.monday/);
    expect(() => validateBusinessHours({ timezone: 'UTC', weekly: { mon: [['9am', '17:00']] } })).toThrow(/weekly\.mon\[0\]/);
    expect(() => validateBusinessHours({ timezone: 'UTC', weekly: {}, holidays: ['25/12/2026'] })).toThrow(/holidays\[0\]/);
  });
});
