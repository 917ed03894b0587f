import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatMoney } from '@/lib/money';
import { monthlyFlows, type Entry } from '../api/entries';

/** Monthly in/out bars. Values stay in minor units; only the labels are formatted. */
export function MonthlyChart({ entries, currency }: { entries: Entry[]; currency: string }) {
  const data = monthlyFlows(entries);
  const total = data.reduce((s, d) => s + d.in + d.out, 0);
  return (
    <figure style={{ margin: 0 }}>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e1e6ee" />
            <XAxis dataKey="label" tickLine={false} axisLine={false} />
            <YAxis
              tickLine={false}
              axisLine={false}
              width={70}
              tickFormatter={(v: number) =>
                formatMoney(Math.round(v), currency).replace(/\.\d+$/, '')
              }
            />
            <Tooltip
              formatter={(v) => formatMoney(Math.round(Number(v)), currency)}
              // Recharts colours tooltip text with the series fill, too light to read (axe
              // color-contrast): keep the text in the body colour.
              itemStyle={{ color: '#1f2937' }}
            />
            <Legend />
            <Bar
              isAnimationActive={false}
              dataKey="in"
              name="Money in"
              fill="var(--c-in)"
              radius={[4, 4, 0, 0]}
            />
            <Bar
              isAnimationActive={false}
              dataKey="out"
              name="Money out"
              fill="var(--c-out)"
              radius={[4, 4, 0, 0]}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">
        Money in and out per month for the last six months:{' '}
        {data
          .map(
            (d) =>
              `${d.label}: in ${formatMoney(d.in, currency)}, out ${formatMoney(d.out, currency)}`,
          )
          .join('; ')}
      </figcaption>
      {total === 0 && (
        <p className="muted" style={{ fontSize: '0.85rem' }}>
          No money has moved yet this half-year.
        </p>
      )}
    </figure>
  );
}
