CREATE TABLE "ledger_voided_holds" (
	"id" text PRIMARY KEY NOT NULL,
	"void_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- ledger_create_transfers as in 0007, plus: a hold whose id a void already found missing (the
-- saga compensated before a slow hold attempt committed) is refused (HOLD_ALREADY_VOIDED), so a
-- late hold can never leak. Holds and such voids serialise on an advisory lock keyed by the hold
-- id (hashtext: a collision only serialises two unrelated holds).
CREATE OR REPLACE FUNCTION ledger_create_transfers(p_items jsonb) RETURNS TABLE (
  o_idx integer,
  o_outcome text,
  o_detail text,
  o_id text,
  o_debit text,
  o_credit text,
  o_amount bigint,
  o_currency text,
  o_kind text,
  o_pending_id text,
  o_timeout_seconds integer,
  o_timeout_at timestamptz,
  o_reference text,
  o_created_at timestamptz
) LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  i integer := 0;
  v_id text;
  v_debit text;
  v_credit text;
  v_amount bigint;
  v_currency text;
  v_kind text;
  v_timeout integer;
  t ledger_transfers%ROWTYPE;
  d accounts%ROWTYPE;
  c accounts%ROWTYPE;
BEGIN
  PERFORM 1 FROM accounts
    WHERE id IN (
      SELECT e ->> 'debit' FROM jsonb_array_elements(p_items) e
      UNION SELECT e ->> 'credit' FROM jsonb_array_elements(p_items) e
    )
    ORDER BY id FOR UPDATE;
  FOR item IN SELECT value FROM jsonb_array_elements(p_items) LOOP
    o_idx := i;
    i := i + 1;
    v_id := item ->> 'id';
    v_debit := item ->> 'debit';
    v_credit := item ->> 'credit';
    v_amount := (item ->> 'amount')::bigint;
    v_currency := item ->> 'currency';
    v_kind := item ->> 'kind';
    v_timeout := (item ->> 'timeout')::integer;
    o_detail := NULL;
    IF v_kind = 'pending' THEN
      -- Serialises with a void that finds no hold (ledger_voided_holds): see migration 0008.
      PERFORM pg_advisory_xact_lock(hashtext('ledger-hold:' || v_id));
    END IF;
    SELECT * INTO t FROM ledger_transfers WHERE id = v_id;
    IF FOUND THEN
      o_outcome := 'exists';
    ELSIF v_kind = 'pending' AND EXISTS (SELECT 1 FROM ledger_voided_holds WHERE id = v_id) THEN
      t := NULL;
      o_outcome := 'HOLD_ALREADY_VOIDED';
      o_detail := v_id;
    ELSE
      t := NULL;
      SELECT * INTO d FROM accounts WHERE id = v_debit;
      SELECT * INTO c FROM accounts WHERE id = v_credit;
      o_outcome := CASE
        WHEN d.id IS NULL OR c.id IS NULL THEN 'ACCOUNT_NOT_FOUND'
        WHEN d.currency <> c.currency OR d.currency <> v_currency THEN 'CURRENCY_MISMATCH'
        WHEN d.status = 'CLOSED' OR c.status = 'CLOSED' THEN 'ACCOUNT_CLOSED'
        WHEN d.status = 'FROZEN' THEN 'ACCOUNT_FROZEN'
        WHEN d.debits_must_not_exceed_credits
          AND d.credits_posted - d.debits_posted - d.debits_pending + d.overdraft_limit < v_amount
          THEN 'INSUFFICIENT_FUNDS'
        WHEN c.credits_must_not_exceed_debits
          AND c.credits_pending + c.credits_posted + v_amount > c.debits_posted
          THEN 'CREDITS_EXCEED_DEBITS'
      END;
      IF o_outcome IS NOT NULL THEN
        o_detail := CASE
          WHEN o_outcome = 'ACCOUNT_NOT_FOUND' THEN CASE
            WHEN d.id IS NULL AND c.id IS NULL THEN least(v_debit, v_credit)
            WHEN d.id IS NULL THEN v_debit
            ELSE v_credit
          END
          WHEN o_outcome = 'CURRENCY_MISMATCH' THEN d.currency || '/' || c.currency
          WHEN o_outcome = 'ACCOUNT_CLOSED' AND d.status = 'CLOSED' THEN d.id
          WHEN o_outcome IN ('ACCOUNT_CLOSED', 'CREDITS_EXCEED_DEBITS') THEN c.id
          ELSE d.id
        END;
      ELSE
        INSERT INTO ledger_transfers
            (id, debit_account_id, credit_account_id, amount, currency, kind, timeout_seconds, timeout_at, reference)
          VALUES (v_id, v_debit, v_credit, v_amount, v_currency, v_kind, v_timeout,
            CASE WHEN v_timeout IS NOT NULL THEN clock_timestamp() + make_interval(secs => v_timeout) END,
            item ->> 'reference')
          RETURNING * INTO t;
        IF v_kind = 'pending' THEN
          UPDATE accounts SET debits_pending = debits_pending + v_amount, updated_at = now()
            WHERE id = v_debit;
          UPDATE accounts SET credits_pending = credits_pending + v_amount, updated_at = now()
            WHERE id = v_credit;
        ELSE
          UPDATE accounts SET debits_posted = debits_posted + v_amount, updated_at = now()
            WHERE id = v_debit RETURNING * INTO d;
          UPDATE accounts SET credits_posted = credits_posted + v_amount, updated_at = now()
            WHERE id = v_credit RETURNING * INTO c;
          INSERT INTO ledger_entries (account_id, transfer_id, direction, amount, balance_after) VALUES
            (v_debit, v_id, 'debit', v_amount, d.credits_posted - d.debits_posted),
            (v_credit, v_id, 'credit', v_amount, c.credits_posted - c.debits_posted);
        END IF;
        o_outcome := 'created';
      END IF;
    END IF;
    o_id := t.id;
    o_debit := t.debit_account_id;
    o_credit := t.credit_account_id;
    o_amount := t.amount;
    o_currency := t.currency;
    o_kind := t.kind;
    o_pending_id := t.pending_id;
    o_timeout_seconds := t.timeout_seconds;
    o_timeout_at := t.timeout_at;
    o_reference := t.reference;
    o_created_at := t.created_at;
    RETURN NEXT;
  END LOOP;
END;
$$;
