import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { Timeline } from '@/components/ui/Timeline';
import { transferSteps } from './transfer-timeline';

const at = (s: string, m: number) => ({ status: s, at: `2026-01-05T10:0${m}:00.000Z` });
const states = (steps: ReturnType<typeof transferSteps>) => steps.map((s) => `${s.key}:${s.state}`);

describe('transfer status timeline', () => {
  it('shows progress while funds are held', () => {
    expect(states(transferSteps('FUNDS_HELD', [at('PENDING', 0), at('FUNDS_HELD', 1)]))).toEqual([
      'PENDING:done',
      'FUNDS_HELD:current',
      'POSTING:upcoming',
      'COMPLETED:upcoming',
    ]);
  });

  it('adds the review step only when the transfer went to review, and waits there', () => {
    expect(
      states(
        transferSteps('AWAITING_REVIEW', [
          at('PENDING', 0),
          at('FUNDS_HELD', 1),
          at('AWAITING_REVIEW', 2),
        ]),
      ),
    ).toEqual([
      'PENDING:done',
      'FUNDS_HELD:done',
      'AWAITING_REVIEW:waiting',
      'POSTING:upcoming',
      'COMPLETED:upcoming',
    ]);
    expect(
      states(
        transferSteps('COMPLETED', [
          at('PENDING', 0),
          at('FUNDS_HELD', 1),
          at('AWAITING_REVIEW', 2),
          at('POSTING', 3),
          at('COMPLETED', 4),
        ]),
      ),
    ).toEqual([
      'PENDING:done',
      'FUNDS_HELD:done',
      'AWAITING_REVIEW:done',
      'POSTING:done',
      'COMPLETED:done',
    ]);
  });

  it('ends with a failed step when rejected or cancelled', () => {
    expect(
      states(
        transferSteps('REJECTED', [
          at('PENDING', 0),
          at('FUNDS_HELD', 1),
          at('AWAITING_REVIEW', 2),
          at('REJECTED', 3),
        ]),
      ),
    ).toEqual(['PENDING:done', 'FUNDS_HELD:done', 'AWAITING_REVIEW:done', 'REJECTED:failed']);
    expect(states(transferSteps('CANCELLED', [at('PENDING', 0), at('FUNDS_HELD', 1)]))).toEqual([
      'PENDING:done',
      'FUNDS_HELD:done',
      'CANCELLED:failed',
    ]);
  });

  it('shows a reversed transfer as completed, then reversed by the bank', () => {
    const steps = transferSteps('REVERSED', [
      at('PENDING', 0),
      at('FUNDS_HELD', 1),
      at('POSTING', 2),
      at('COMPLETED', 3),
      at('REVERSED', 5),
    ]);
    expect(states(steps)).toEqual([
      'PENDING:done',
      'FUNDS_HELD:done',
      'POSTING:done',
      'COMPLETED:done',
      'REVERSED:done',
    ]);
    expect(steps.at(-1)?.label).toBe('Reversed by the bank');
  });

  it('puts needs-attention after the last step reached', () => {
    expect(
      states(
        transferSteps('NEEDS_ATTENTION', [at('PENDING', 0), at('FUNDS_HELD', 1), at('POSTING', 2)]),
      ),
    ).toEqual([
      'PENDING:done',
      'FUNDS_HELD:done',
      'POSTING:done',
      'NEEDS_ATTENTION:waiting',
      'COMPLETED:upcoming',
    ]);
  });

  it('renders an ordered list that says each state in words', () => {
    render(
      <Timeline
        label="Transfer progress"
        steps={transferSteps('POSTING', [at('PENDING', 0), at('FUNDS_HELD', 1), at('POSTING', 2)])}
      />,
    );
    const list = screen.getByRole('list', { name: 'Transfer progress' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    expect(items[0]).toHaveTextContent('Transfer requested (done)');
    expect(items[2]).toHaveTextContent('Sending (in progress)');
    expect(items[2]).toHaveAttribute('aria-current', 'step');
    expect(items[3]).toHaveTextContent('Completed (not yet)');
  });
});
