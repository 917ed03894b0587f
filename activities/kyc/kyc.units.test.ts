/** Pure KYC and onboarding helpers: document sniffing, encryption, screening, rules, calendar, numbers. */
import { generateAccountNumber, isValidAccountNumber } from '../accounts/account-number';
import { nextCronRun } from '../schedules/schedules.activities';
import {
  daysInMonth,
  nextCalendarRun,
  specProblems,
} from '../../workflows/scheduled-payment.calendar';
import { checkDocument, sniffMime } from './documents';
import { decryptNationalId, encryptNationalId, normaliseNationalId } from './national-id';
import { ageOn, decide, isSupportedCountry } from './rules';
import { editDistance, normaliseName, screenName, screeningListSize } from './screening';

const KEY = Buffer.alloc(32, 9).toString('base64');

describe('documents', () => {
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(100),
  ]);
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]);
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100, 0x20)]);
  it('sniffs pdf/png/jpeg by content', () => {
    expect(sniffMime(png)).toBe('image/png');
    expect(sniffMime(jpeg)).toBe('image/jpeg');
    expect(sniffMime(pdf)).toBe('application/pdf');
    expect(sniffMime(Buffer.from('MZ executable'))).toBeNull();
  });
  it('refuses wrong content behind a right name, mismatched names, and size limits', () => {
    expect(() => checkDocument(Buffer.alloc(200, 0x41), 'scan.pdf')).toThrow(
      /Only PDF, PNG and JPEG/,
    );
    expect(() => checkDocument(png, 'scan.pdf')).toThrow(/does not match/);
    expect(() => checkDocument(png, 'scan.png', 'application/pdf')).toThrow(
      /Declared content type/,
    );
    expect(() => checkDocument(Buffer.alloc(10))).toThrow(/too small/);
    expect(() => checkDocument(Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]))).toThrow(
      /5 MiB/,
    );
    expect(checkDocument(jpeg, 'photo.JPG', 'image/jpeg')).toEqual({
      mimeType: 'image/jpeg',
      sizeBytes: jpeg.length,
    });
  });
});

describe('national id', () => {
  it('round-trips through AES-256-GCM with a fresh IV, and detects tampering', () => {
    const a = encryptNationalId('123456789', KEY);
    const b = encryptNationalId('123456789', KEY);
    expect(a).not.toBe(b);
    expect(a).not.toContain('123456789');
    expect(decryptNationalId(a, KEY)).toBe('123456789');
    const parts = a.split(':');
    parts[3] = Buffer.from('999999999').toString('base64');
    expect(() => decryptNationalId(parts.join(':'), KEY)).toThrow();
    expect(normaliseNationalId('123-45 6789')).toBe('123456789');
    expect(() => normaliseNationalId('12')).toThrow();
  });
});

describe('screening', () => {
  it('ships a few hundred names and matches fuzzily with a score and the entry', () => {
    expect(screeningListSize()).toBeGreaterThanOrEqual(300);
    expect(normaliseName('  Dr. José  MARÍA-López ')).toBe('jose maria lopez');
    expect(editDistance('kitten', 'sitting')).toBe(3);
    const hit = screenName('Malenkov, Viktor');
    expect(hit.score).toBe(1);
    expect(hit.entry).toMatchObject({ id: 'SAN-0001', list: 'SANCTIONS' });
    expect(screenName('Viktr Malenkof').score).toBeGreaterThanOrEqual(0.8);
    expect(screenName('Jane Applicant').score).toBeLessThan(0.8);
  });
});

describe('rules', () => {
  it('computes age on a date, supported countries, and the decision', () => {
    expect(ageOn('2008-06-15', new Date('2026-06-14T00:00:00Z'))).toBe(17);
    expect(ageOn('2008-06-15', new Date('2026-06-15T00:00:00Z'))).toBe(18);
    expect(isSupportedCountry('us')).toBe(true);
    expect(isSupportedCountry('KP')).toBe(false);
    const clean = { score: 0.3, entry: null, matchedName: null };
    expect(decide({ age: 30, country: 'US', documents: [{ ok: true }], screening: clean })).toEqual(
      { decision: 'APPROVE', reasons: [] },
    );
    expect(
      decide({
        age: 17,
        country: 'KP',
        documents: [{ ok: false, reason: 'ID_DOCUMENT_MISSING' }],
        screening: clean,
      }).reasons,
    ).toEqual(['UNDERAGE', 'UNSUPPORTED_COUNTRY', 'ID_DOCUMENT_MISSING']);
  });
});

describe('schedule calendar', () => {
  it('clamps day 29–31 to the month end and handles leap years', () => {
    expect(daysInMonth(2028, 1)).toBe(29);
    expect(daysInMonth(2027, 1)).toBe(28);
    const spec = { frequency: 'MONTHLY' as const, startAt: '2027-01-30T08:00:00Z', dayOfMonth: 30 };
    const feb = nextCalendarRun(spec, new Date('2027-01-30T08:00:00Z'), false)!;
    expect(feb.toISOString()).toBe('2027-02-28T08:00:00.000Z');
    expect(nextCalendarRun(spec, feb, false)!.toISOString()).toBe('2027-03-30T08:00:00.000Z');
    expect(
      nextCalendarRun(
        { frequency: 'ONCE', startAt: '2027-01-01T00:00:00Z' },
        new Date('2027-02-01'),
        true,
      ),
    ).toBeNull();
    expect(specProblems({ frequency: 'MONTHLY', startAt: 'x', dayOfMonth: 32 })).toEqual([
      'startAt',
      'dayOfMonth',
    ]);
  });
  it('evaluates cron expressions in UTC', () => {
    expect(nextCronRun('0 9 * * 1', '2027-01-01T00:00:00Z', true)).toBe('2027-01-04T09:00:00.000Z');
    expect(nextCronRun('0 9 * * 1', '2027-01-04T09:00:00Z', true)).toBe('2027-01-04T09:00:00.000Z');
    expect(nextCronRun('0 9 * * 1', '2027-01-04T09:00:00Z', false)).toBe(
      '2027-01-11T09:00:00.000Z',
    );
  });
});

describe('account numbers', () => {
  it('are 10 digits with a Luhn check digit that catches a typo', () => {
    for (let i = 0; i < 50; i++) {
      const n = generateAccountNumber();
      expect(isValidAccountNumber(n)).toBe(true);
      const typo = n.slice(0, 3) + String((Number(n[3]) + 1) % 10) + n.slice(4);
      expect(isValidAccountNumber(typo)).toBe(false);
    }
  });
});
