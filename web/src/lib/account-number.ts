/**
 * Account numbers in the browser, mirroring activities/accounts/account-number.ts: 10 digits, the
 * last a Luhn check digit, so a mistyped digit is caught before review instead of at the bank.
 */

/** Digits only: people paste numbers as "1234 5678 90" or "1234-5678-90". */
export function normalizeAccountNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

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

/** `1234 5678 90` for display; anything else is shown as it is. */
export function formatAccountNumber(number: string): string {
  return /^\d{10}$/.test(number)
    ? `${number.slice(0, 4)} ${number.slice(4, 8)} ${number.slice(8)}`
    : number;
}
