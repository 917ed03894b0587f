import { Card } from '@/components/ui/Card';
import { ErrorState, Notice, SkeletonRows } from '@/components/ui/States';
import { plainMessage } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import { totalsRows, useLedgerInvariant } from '../api/ops';

export function LedgerInvariant() {
  const q = useLedgerInvariant();
  return (
    <Card title="Ledger invariant">
      {q.isPending ? (
        <SkeletonRows rows={3} label="Checking the ledger" />
      ) : q.isError ? (
        <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />
      ) : (
        <div className="stack">
          <Notice tone={q.data.balanced ? 'success' : 'danger'}>
            {q.data.balanced
              ? 'Balanced: total debits equal total credits in every currency.'
              : 'NOT balanced: debits and credits differ. Page the on-call engineer.'}
          </Notice>
          {q.data.problems.length > 0 && (
            <ul className="form-error" style={{ margin: 0, paddingLeft: 28 }}>
              {q.data.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <div className="table-wrap" role="region" aria-label="Totals per currency" tabIndex={0}>
            <table className="table">
              <caption className="sr-only">Totals per currency</caption>
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col">Totals</th>
                </tr>
              </thead>
              <tbody>
                {totalsRows(q.data).map((r) => (
                  <tr key={r.currency}>
                    <td>{r.currency}</td>
                    <td className="mono">
                      {Object.entries(r.values)
                        .filter(([k]) => k !== 'currency')
                        .map(
                          ([k, v]) =>
                            `${k}: ${typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v)) ? formatMoney(v, r.currency) : String(v)}`,
                        )
                        .join(' · ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted" style={{ fontSize: '0.82rem' }}>
            Checked {formatDate(q.data.checkedAt ?? new Date(q.dataUpdatedAt).toISOString(), true)}{' '}
            · refreshes every 10 s
          </p>
        </div>
      )}
    </Card>
  );
}
