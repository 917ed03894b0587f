import { useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Badge } from '@/components/ui/Badge';
import { Input, Select, Textarea } from '@/components/ui/Input';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/States';
import { Table } from '@/components/ui/Table';
import { useToast } from '@/components/ui/Toast';
import { plainMessage } from '@/lib/errors';
import { newIdempotencyKey } from '@/lib/format';
import {
  newRuleBody,
  RULE_ACTIONS,
  useCreateRule,
  useFraudRules,
  useUpdateRule,
  type FraudRule,
} from '../api/ops';

function NewRule() {
  const [v, setV] = useState({ name: '', type: '', params: '{}', weight: '20', action: 'SCORE' });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const key = useRef<string | null>(null);
  const m = useCreateRule();
  const toast = useToast();
  const set =
    (k: keyof typeof v) =>
    (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setV((p) => ({ ...p, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let params: unknown;
    try {
      params = JSON.parse(v.params || '{}');
    } catch {
      return setErrors({ params: 'Params must be a JSON object.' });
    }
    const parsed = newRuleBody.safeParse({
      name: v.name,
      type: v.type,
      params,
      weight: Number(v.weight),
      action: v.action,
      active: true,
    });
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const i of parsed.error.issues) next[String(i.path[0])] ??= i.message;
      return setErrors(next);
    }
    setErrors({});
    key.current ??= newIdempotencyKey();
    m.mutate(
      { body: parsed.data, key: key.current },
      {
        onSuccess: () => {
          toast.show('Rule created.', 'success');
          key.current = null;
          setV({ name: '', type: '', params: '{}', weight: '20', action: 'SCORE' });
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={submit} aria-label="New fraud rule">
      <div className="form-row">
        <Input label="Name" value={v.name} onChange={set('name')} error={errors.name} />
        <Input
          label="Type"
          hint="e.g. AMOUNT_OVER, VELOCITY, NEW_PAYEE"
          value={v.type}
          onChange={set('type')}
          error={errors.type}
        />
      </div>
      <div className="form-row">
        <Input
          label="Weight"
          type="number"
          min={0}
          max={100}
          value={v.weight}
          onChange={set('weight')}
          error={errors.weight}
        />
        <Select label="Action" value={v.action} onChange={set('action')}>
          {RULE_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
      </div>
      <Textarea
        label="Params (JSON)"
        value={v.params}
        onChange={set('params')}
        error={errors.params}
        className="mono"
      />
      {m.isError && (
        <p className="form-error" role="alert">
          {plainMessage(m.error)}
        </p>
      )}
      <div className="form-actions">
        <Button type="submit" loading={m.isPending}>
          Add rule
        </Button>
      </div>
    </form>
  );
}

export function FraudRules() {
  const q = useFraudRules();
  const update = useUpdateRule();
  const toast = useToast();
  const toggle = (r: FraudRule) =>
    update.mutate(
      { id: r.id, patch: { active: !r.active } },
      {
        onError: (err) => toast.show(plainMessage(err), 'danger'),
        onSuccess: () => toast.show(`${r.name} ${r.active ? 'disabled' : 'enabled'}.`, 'success'),
      },
    );
  return (
    <div className="stack">
      <Card title="Fraud rules">
        {q.isPending ? (
          <SkeletonRows rows={4} label="Loading rules" />
        ) : q.isError ? (
          <ErrorState message={plainMessage(q.error)} onRetry={() => void q.refetch()} />
        ) : q.data.length === 0 ? (
          <EmptyState title="No rules" description="Add a rule below to start scoring transfers." />
        ) : (
          <Table<FraudRule>
            caption="Fraud rules"
            rows={q.data}
            rowKey={(r) => r.id}
            columns={[
              {
                key: 'name',
                header: 'Rule',
                render: (r) => (
                  <div>
                    <strong>{r.name}</strong>
                    <div className="muted mono" style={{ fontSize: '0.8rem' }}>
                      {r.type} {JSON.stringify(r.params)}
                    </div>
                  </div>
                ),
              },
              { key: 'weight', header: 'Weight', align: 'right', render: (r) => r.weight },
              {
                key: 'action',
                header: 'Action',
                render: (r) => (
                  <Badge
                    tone={
                      r.action === 'BLOCK'
                        ? 'danger'
                        : r.action === 'REVIEW'
                          ? 'warning'
                          : 'neutral'
                    }
                  >
                    {r.action}
                  </Badge>
                ),
              },
              {
                key: 'active',
                header: 'Enabled',
                render: (r) => (
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={r.active}
                      onChange={() => toggle(r)}
                      aria-label={`Enable ${r.name}`}
                    />
                    {r.active ? 'On' : 'Off'}
                  </label>
                ),
              },
            ]}
          />
        )}
      </Card>
      <Card title="Add a rule">
        <NewRule />
      </Card>
    </div>
  );
}
