import type { ReactNode } from 'react';

export type StepState = 'done' | 'current' | 'upcoming' | 'failed' | 'waiting';

export interface TimelineStep {
  key: string;
  label: ReactNode;
  state: StepState;
  time?: string;
  note?: ReactNode;
}

const STATE_WORDS: Record<StepState, string> = {
  done: 'done',
  current: 'in progress',
  upcoming: 'not yet',
  failed: 'stopped',
  waiting: 'waiting',
};

/** A vertical progress timeline; each step says its state in words for screen readers. */
export function Timeline({ steps, label }: { steps: TimelineStep[]; label: string }) {
  return (
    <ol className="timeline" aria-label={label}>
      {steps.map((s) => (
        <li
          key={s.key}
          className={`timeline-step timeline-${s.state}`}
          aria-current={s.state === 'current' ? 'step' : undefined}
        >
          <span className="timeline-dot" aria-hidden="true" />
          <div className="timeline-text">
            <span className="timeline-label">
              {s.label}
              <span className="sr-only"> ({STATE_WORDS[s.state]})</span>
            </span>
            {s.time && <span className="timeline-time">{s.time}</span>}
            {s.note && <span className="timeline-note">{s.note}</span>}
          </div>
        </li>
      ))}
    </ol>
  );
}
