import { describe, expect, it } from 'vitest';
import {
  formatAccountNumber,
  isValidAccountNumber,
  luhnCheckDigit,
  normalizeAccountNumber,
} from './account-number';

describe('account numbers', () => {
  it('checks the Luhn digit like activities/accounts/account-number.ts', () => {
    // Vectors from the server's algorithm (Luhn over the first 9 digits).
    expect(luhnCheckDigit('123456789')).toBe(7);
    expect(luhnCheckDigit('799273987')).toBe(5);
    expect(isValidAccountNumber('1234567897')).toBe(true);
    expect(isValidAccountNumber('7992739875')).toBe(true);
    for (let i = 0; i < 200; i++) {
      const body = String(100_000_000 + Math.floor(Math.random() * 900_000_000));
      const n = `${body}${luhnCheckDigit(body)}`;
      expect(isValidAccountNumber(n)).toBe(true);
      // One wrong digit is always caught.
      const at = i % 10;
      const wrong = `${n.slice(0, at)}${(Number(n[at]) + 1) % 10}${n.slice(at + 1)}`;
      expect(isValidAccountNumber(wrong)).toBe(false);
    }
  });

  it('normalizes what people paste and formats for display', () => {
    expect(normalizeAccountNumber(' 1234 5678-90 ')).toBe('1234567890');
    expect(formatAccountNumber('1234567890')).toBe('1234 5678 90');
    expect(formatAccountNumber('acc_123')).toBe('acc_123');
    expect(isValidAccountNumber('123456789')).toBe(false);
  });
});
