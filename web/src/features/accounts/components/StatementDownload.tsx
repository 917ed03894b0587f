import { useState } from 'react';
import { Button } from '@/components/ui/Button';
import { Input, Select } from '@/components/ui/Input';
import { useToast } from '@/components/ui/Toast';
import { plainMessage } from '@/lib/errors';
import { downloadStatement, type Account } from '../api/accounts';

export function StatementDownload({ accounts }: { accounts: Account[] }) {
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? '');
  const [month, setMonth] = useState(new Date().toISOString().slice(0, 7));
  const [busy, setBusy] = useState<'csv' | 'pdf' | null>(null);
  const toast = useToast();
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  const get = async (format: 'csv' | 'pdf') => {
    if (!account) return;
    setBusy(format);
    try {
      await downloadStatement(account, month, format);
    } catch (err) {
      toast.show(`Statement download failed: ${plainMessage(err)}`, 'danger');
    } finally {
      setBusy(null);
    }
  };
  if (!account) return null;
  return (
    <div className="filters" aria-label="Statement">
      <Select
        label="Statement account"
        value={account.id}
        onChange={(e) => setAccountId(e.target.value)}
      >
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.number ?? a.id} · {a.currency}
          </option>
        ))}
      </Select>
      <Input
        label="Month"
        type="month"
        value={month}
        onChange={(e) => setMonth(e.target.value)}
        max={new Date().toISOString().slice(0, 7)}
      />
      <Button variant="secondary" loading={busy === 'csv'} onClick={() => void get('csv')}>
        Download CSV
      </Button>
      <Button variant="secondary" loading={busy === 'pdf'} onClick={() => void get('pdf')}>
        Download PDF
      </Button>
    </div>
  );
}
