import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Input } from '@/components/ui/Input';
import { ErrorState, SkeletonRows } from '@/components/ui/States';
import { plainMessage } from '@/lib/errors';
import { useTransferLookup } from '../api/support';
import { QueueCard } from './TransferQueue';

/** Find any transfer by id and act on it (e.g. reverse a completed one). */
export function TransferLookup() {
  const [draft, setDraft] = useState('');
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const lookup = useTransferLookup(id);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = draft.trim();
    if (!value) return setError('Enter the transfer id.');
    setError(null);
    setId(value);
  };
  return (
    <div className="stack">
      <Card title="Find a transfer">
        <form className="form" onSubmit={submit}>
          <Input
            label="Transfer id"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            error={error}
            className="mono"
            autoComplete="off"
            placeholder="trf_…"
          />
          <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
            <Button type="submit">Find</Button>
          </div>
        </form>
      </Card>
      {id &&
        (lookup.isPending ? (
          <SkeletonRows rows={3} label="Loading transfer" />
        ) : lookup.isError ? (
          <ErrorState message={plainMessage(lookup.error)} onRetry={() => void lookup.refetch()} />
        ) : (
          <QueueCard item={lookup.data} />
        ))}
    </div>
  );
}
