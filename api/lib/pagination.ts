/**
 * Cursor pagination: `?limit=1..100&cursor=…` → `{ items, nextCursor }`. A cursor is opaque to
 * clients: base64url JSON of whatever the route needs to resume (usually the sort key of the last
 * item). Tampered cursors answer 400 VALIDATION_FAILED.
 */
import { DomainError } from '../../domain/errors';

export const DEFAULT_PAGE_SIZE = 20;

export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T extends Record<string, unknown>>(
  cursor: string | undefined,
): T | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as T;
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', { field: 'cursor' });
}

/**
 * Given `limit + 1` rows fetched in order, returns the page and the next cursor (built from the
 * last item on the page) when there are more.
 */
export function pageOf<T, R>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => Record<string, unknown>,
  map: (row: T) => R,
): { items: R[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(map),
    nextCursor: hasMore && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
