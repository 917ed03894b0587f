/**
 * Human-readable account numbers: 10 digits, the last a Luhn check digit, so a typo in one digit
 * (or a swap of two neighbours) is caught before a payment goes to the wrong account.
 * Uniqueness is enforced by the ledger's unique index; the opener retries on a collision.
 */
import { randomInt } from 'node:crypto';

export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidAccountNumber(number: string): boolean {
  return /^\d{10}$/.test(number) && luhnCheckDigit(number.slice(0, 9)) === Number(number[9]);
}

/** A random valid number; never starts with 0 so it survives spreadsheets. */
export function generateAccountNumber(): string {
  const body = `${randomInt(1, 10)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
  return `${body}${luhnCheckDigit(body)}`;
}

/** `1234 5678 90` for display. */
export function formatAccountNumber(number: string): string {
  return `${number.slice(0, 4)} ${number.slice(4, 8)} ${number.slice(8)}`;
}
