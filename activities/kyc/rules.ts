/** The automated KYC rules: age, supported countries, and how checks combine into a decision. */
import type { ScreeningMatch } from './screening';
import { POSSIBLE_MATCH, STRONG_MATCH } from './screening';

export const MINIMUM_AGE = 18;

/** ISO 3166-1 alpha-2 codes of the countries where the bank onboards customers. */
export const SUPPORTED_COUNTRIES = [
  'US',
  'CA',
  'GB',
  'IE',
  'FR',
  'DE',
  'NL',
  'BE',
  'LU',
  'ES',
  'PT',
  'IT',
  'AT',
  'CH',
  'DK',
  'SE',
  'NO',
  'FI',
  'PL',
  'CZ',
  'EE',
  'LV',
  'LT',
  'AU',
  'NZ',
  'JP',
  'SG',
] as const;

export function isSupportedCountry(country: string): boolean {
  return (SUPPORTED_COUNTRIES as readonly string[]).includes(country.toUpperCase());
}

/** Whole years between a YYYY-MM-DD birth date and `on` (UTC). */
export function ageOn(dateOfBirth: string, on: Date): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return -1;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = on.getUTCFullYear() - y;
  const beforeBirthday =
    on.getUTCMonth() + 1 < mo || (on.getUTCMonth() + 1 === mo && on.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

export type KycAutoDecision = 'APPROVE' | 'REJECT' | 'REVIEW';

export interface KycCheckFacts {
  age: number;
  country: string;
  documents: { ok: boolean; reason?: string }[];
  screening: ScreeningMatch;
}

export interface KycDecisionResult {
  decision: KycAutoDecision;
  /** Machine-readable reason codes. */
  reasons: string[];
}

/**
 * Clear fails reject (underage, unsupported country, missing/invalid documents, a strong
 * sanctions match); a PEP hit or a possible match goes to review; otherwise approve.
 */
export function decide(facts: KycCheckFacts): KycDecisionResult {
  const reject: string[] = [];
  const review: string[] = [];
  if (facts.age < MINIMUM_AGE) reject.push('UNDERAGE');
  if (!isSupportedCountry(facts.country)) reject.push('UNSUPPORTED_COUNTRY');
  for (const doc of facts.documents) if (!doc.ok && doc.reason) reject.push(doc.reason);
  const { score, entry } = facts.screening;
  if (entry && score >= STRONG_MATCH) {
    if (entry.list === 'SANCTIONS') reject.push('SANCTIONS_MATCH');
    else review.push('PEP_MATCH');
  } else if (entry && score >= POSSIBLE_MATCH) {
    review.push(entry.list === 'SANCTIONS' ? 'POSSIBLE_SANCTIONS_MATCH' : 'POSSIBLE_PEP_MATCH');
  }
  if (reject.length) return { decision: 'REJECT', reasons: reject };
  if (review.length) return { decision: 'REVIEW', reasons: review };
  return { decision: 'APPROVE', reasons: [] };
}
