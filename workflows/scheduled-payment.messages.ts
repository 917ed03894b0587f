/**
 * ScheduledPaymentWorkflow contract: input (also the continue-as-new carrier), state, the control
 * signals and the status query. Workflow-safe.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { MinorString } from '../domain/money';
import type { ScheduleSpec } from './scheduled-payment.calendar';

export type ScheduleStatus = 'ACTIVE' | 'PAUSED' | 'COMPLETED' | 'CANCELLED';
export type OccurrenceStatus = 'RUNNING' | 'RETRY_SCHEDULED' | 'COMPLETED' | 'SKIPPED' | 'FAILED';

export interface InsufficientFundsPolicy {
  /** Wait before trying an occurrence again. Default 24 h. */
  retryAfterSeconds: number;
  /** Further attempts after the first. Default 3. */
  maxRetries: number;
}

export const DEFAULT_INSUFFICIENT_FUNDS_POLICY: InsufficientFundsPolicy = {
  retryAfterSeconds: 24 * 3600,
  maxRetries: 3,
};

export interface OccurrenceRecord {
  /** ISO due time of the occurrence (its identity). */
  dueAt: string;
  amount: MinorString;
  status: OccurrenceStatus;
  /** Transfer id per attempt, first to last. */
  transferIds: string[];
  attemptTimes: string[];
  failureCode: string | null;
}

export interface ScheduledPaymentInput {
  scheduleId: string;
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: MinorString;
  currency: string;
  memo?: string;
  spec: ScheduleSpec;
  policy?: InsufficientFundsPolicy;
  /** Occurrences per workflow run before continue-as-new. Default 24. */
  occurrencesPerRun?: number;
  /** Carried across continue-as-new; absent on the first run. */
  carried?: ScheduledPaymentCarried;
}

export interface ScheduledPaymentCarried {
  status: ScheduleStatus;
  pausedReason: string | null;
  nextRunAt: string | null;
  occurrenceCount: number;
  /** The most recent occurrences (the full history is in Postgres). */
  recent: OccurrenceRecord[];
  /** An occurrence interrupted by a self-pause, retried on resume. */
  pending: { dueAt: string; attempts: number } | null;
  version: number;
}

export interface ScheduledPaymentState extends ScheduledPaymentCarried {
  scheduleId: string;
  customerId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: MinorString;
  currency: string;
  memo: string | null;
  spec: ScheduleSpec;
  policy: InsufficientFundsPolicy;
}

export interface PauseInput {
  actor: string;
  reason?: string;
}
export interface ScheduleChangeInput {
  actor: string;
  amount?: MinorString;
  /** ISO instant: the next occurrence is moved here. */
  nextRunAt?: string;
}

export const pauseScheduleSignal = defineSignal<[PauseInput]>('pauseSchedule');
export const resumeScheduleSignal = defineSignal<[PauseInput]>('resumeSchedule');
export const cancelScheduleSignal = defineSignal<[PauseInput]>('cancelSchedule');
export const changeScheduleSignal = defineSignal<[ScheduleChangeInput]>('changeSchedule');

export const scheduleStatusQuery = defineQuery<ScheduledPaymentState>('scheduleStatus');

export const RECENT_OCCURRENCES_KEPT = 24;
