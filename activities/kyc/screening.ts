/**
 * Sanctions and PEP screening against the list shipped in ./data/sanctions.json (synthetic names).
 * Fuzzy matching: names are normalised (diacritics, case, punctuation, honorifics, initials), then
 * compared by Levenshtein similarity, both as written and with tokens sorted (so "Malenkov Viktor"
 * matches "Viktor Malenkov"). The best score over names and aliases wins.
 */
import list from './data/sanctions.json';

export type ScreeningList = 'SANCTIONS' | 'PEP';

export interface ScreeningEntry {
  id: string;
  list: ScreeningList;
  name: string;
  aliases: string[];
  country: string;
}

export interface ScreeningMatch {
  /** 0..1, 1 = identical after normalisation. */
  score: number;
  entry: ScreeningEntry | null;
  matchedName: string | null;
}

/** At or above: a hit. Sanctions hits reject; PEP hits go to review. */
export const STRONG_MATCH = 0.9;
/** At or above (and below STRONG_MATCH): a possible match, reviewed by a human. */
export const POSSIBLE_MATCH = 0.8;

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'sir', 'madam', 'jr', 'sr']);

export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z\s]/g, ' ')
    .split(/\s+/)
    .filter((t) => t.length > 1 && !HONORIFICS.has(t))
    .join(' ');
}

/** Classic Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let curr = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}

export function similarity(a: string, b: string): number {
  const max = Math.max(a.length, b.length);
  if (max === 0) return 0;
  return 1 - editDistance(a, b) / max;
}

function sortedTokens(n: string): string {
  return n.split(' ').sort().join(' ');
}

/** Similarity of two already-normalised names: as written, or with tokens sorted. */
export function nameScore(a: string, b: string): number {
  return Math.max(similarity(a, b), similarity(sortedTokens(a), sortedTokens(b)));
}

interface IndexedName {
  entry: ScreeningEntry;
  name: string;
  normalised: string;
}

const INDEX: IndexedName[] = (list.entries as ScreeningEntry[]).flatMap((entry) =>
  [entry.name, ...entry.aliases].map((name) => ({ entry, name, normalised: normaliseName(name) })),
);

export function screeningListSize(): number {
  return list.entries.length;
}

export function screenName(name: string): ScreeningMatch {
  const query = normaliseName(name);
  let best: ScreeningMatch = { score: 0, entry: null, matchedName: null };
  if (!query) return best;
  for (const candidate of INDEX) {
    const score = nameScore(query, candidate.normalised);
    if (score > best.score) best = { score, entry: candidate.entry, matchedName: candidate.name };
  }
  return { ...best, score: Math.round(best.score * 1000) / 1000 };
}
