-- Single-phase transfers and holds (kinds 'single' and 'pending') in one round trip, many per
-- call (concurrent callers are batched by the ledger service). For each item: the same
-- idempotency check, rules and writes as the service's `apply` for those kinds
-- (activities/ledger/ledger.service.ts), in Postgres. Every account of the batch is locked first,
-- in id order, as every other ledger path locks: no deadlocks. Items apply in order, so a later
-- item sees an earlier one's effect (and an earlier one's id: a replay).
-- Business refusals come back as per-item outcome codes, not exceptions, so one refused item does
-- not undo the others. A racing duplicate id or a balance CHECK still raises and aborts the batch;
-- the caller then applies the items one by one.
-- p_items: [{"id","kind","debit","credit","amount" (string),"currency","timeout","reference"}]
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
    SELECT * INTO t FROM ledger_transfers WHERE id = v_id;
    IF FOUND THEN
      o_outcome := 'exists';
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
