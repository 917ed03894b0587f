export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  });
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function titleCase(s: string): string {
  return s
    .toLowerCase()
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Masks all but the last 4 characters: "123-45-6789" → "•••••6789". */
export function maskTail(value: string | null | undefined, keep = 4): string {
  if (!value) return '—';
  const clean = value.replace(/\s/g, '');
  if (clean.length <= keep) return `••••${clean}`;
  return `${'•'.repeat(Math.min(5, clean.length - keep))}${clean.slice(-keep)}`;
}
