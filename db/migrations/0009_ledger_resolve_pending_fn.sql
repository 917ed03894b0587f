-- ledger_resolve_pending: a post or void of a hold in one call (one round trip, one implicit
-- transaction), with the checks and writes of LedgerService.apply for those kinds. The generic
-- path took about a dozen round trips inside an explicit transaction, which made hold+post ten
-- times slower than a single-phase transfer (bench/README.md, ledger).
--
-- Outcomes: 'created' and 'exists' (with the row), 'expired' (the hold timed out: its release
-- was written here and commits; the caller reports PENDING_TRANSFER_EXPIRED), or an error code
-- with o_detail: PENDING_TRANSFER_NOT_FOUND, VALIDATION_FAILED (the field), EXCEEDS_PENDING_AMOUNT,
-- CURRENCY_MISMATCH, PENDING_TRANSFER_EXPIRED, PENDING_TRANSFER_ALREADY_RESOLVED ('id/kind' of the
-- resolution), ACCOUNT_CLOSED, ACCOUNT_FROZEN. A void that finds no hold bars the hold id
-- (ledger_voided_holds, migration 0008) under the hold's advisory lock, in the same transaction.
CREATE OR REPLACE FUNCTION ledger_resolve_pending(p_item jsonb) RETURNS TABLE (
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
  v_id text := p_item ->> 'id';
  v_kind text := p_item ->> 'kind';
  v_pending_id text := p_item ->> 'pendingId';
  v_amount bigint := (p_item ->> 'amount')::bigint;
  p ledger_transfers%ROWTYPE;
  r ledger_transfers%ROWTYPE;
  t ledger_transfers%ROWTYPE;
  d accounts%ROWTYPE;
  c accounts%ROWTYPE;
BEGIN
  IF v_kind NOT IN ('post_pending', 'void_pending') THEN
    RAISE EXCEPTION 'ledger_resolve_pending: kind % is not a post or void', v_kind;
  END IF;
  SELECT * INTO t FROM ledger_transfers WHERE id = v_id;
  IF FOUND THEN
    o_outcome := 'exists';
  ELSE
    SELECT * INTO p FROM ledger_transfers WHERE id = v_pending_id;
    IF NOT FOUND AND v_kind = 'void_pending' THEN
      -- Serialise with a hold attempt for this id: it either committed (void it) or is barred.
      PERFORM pg_advisory_xact_lock(hashtext('ledger-hold:' || v_pending_id));
      SELECT * INTO p FROM ledger_transfers WHERE id = v_pending_id;
      IF NOT FOUND THEN
        INSERT INTO ledger_voided_holds (id, void_id) VALUES (v_pending_id, v_id)
          ON CONFLICT (id) DO NOTHING;
      END IF;
    END IF;
    IF p.id IS NULL OR p.kind <> 'pending' THEN
      o_outcome := 'PENDING_TRANSFER_NOT_FOUND';
      o_detail := v_pending_id;
    ELSIF p_item ->> 'debit' IS NOT NULL AND p_item ->> 'debit' <> p.debit_account_id THEN
      o_outcome := 'VALIDATION_FAILED';
      o_detail := 'debitAccountId';
    ELSIF p_item ->> 'credit' IS NOT NULL AND p_item ->> 'credit' <> p.credit_account_id THEN
      o_outcome := 'VALIDATION_FAILED';
      o_detail := 'creditAccountId';
    ELSIF p_item ->> 'currency' IS NOT NULL AND p_item ->> 'currency' <> p.currency THEN
      o_outcome := 'VALIDATION_FAILED';
      o_detail := 'currency';
    ELSIF coalesce(v_amount, p.amount) > p.amount THEN
      o_outcome := 'EXCEEDS_PENDING_AMOUNT';
      o_detail := p.amount::text;
    ELSIF v_kind = 'void_pending' AND coalesce(v_amount, p.amount) <> p.amount THEN
      o_outcome := 'VALIDATION_FAILED';
      o_detail := 'amount';
    END IF;
    IF o_outcome IS NULL THEN
      v_amount := coalesce(v_amount, p.amount);
      PERFORM 1 FROM accounts WHERE id IN (p.debit_account_id, p.credit_account_id)
        ORDER BY id FOR UPDATE;
      SELECT * INTO d FROM accounts WHERE id = p.debit_account_id;
      SELECT * INTO c FROM accounts WHERE id = p.credit_account_id;
      -- A concurrent request with the same id on these accounts committed while we waited.
      SELECT * INTO t FROM ledger_transfers WHERE id = v_id;
      IF FOUND THEN
        o_outcome := 'exists';
      ELSE
        t := NULL;
        SELECT * INTO r FROM ledger_transfers WHERE pending_id = p.id;
        o_outcome := CASE
          WHEN d.currency <> c.currency OR d.currency <> p.currency THEN 'CURRENCY_MISMATCH'
          WHEN r.kind = 'expire_pending' THEN 'PENDING_TRANSFER_EXPIRED'
          WHEN r.id IS NOT NULL THEN 'PENDING_TRANSFER_ALREADY_RESOLVED'
          WHEN p.timeout_at IS NOT NULL AND p.timeout_at <= clock_timestamp() THEN 'expired'
          WHEN v_kind = 'void_pending' THEN NULL
          WHEN d.status = 'CLOSED' OR c.status = 'CLOSED' THEN 'ACCOUNT_CLOSED'
          WHEN d.status = 'FROZEN' THEN 'ACCOUNT_FROZEN'
        END;
        o_detail := CASE o_outcome
          WHEN 'CURRENCY_MISMATCH' THEN d.currency || '/' || c.currency
          WHEN 'PENDING_TRANSFER_EXPIRED' THEN p.id
          WHEN 'PENDING_TRANSFER_ALREADY_RESOLVED' THEN r.id || '/' || r.kind
          WHEN 'expired' THEN p.id
          WHEN 'ACCOUNT_CLOSED' THEN CASE WHEN d.status = 'CLOSED' THEN d.id ELSE c.id END
          WHEN 'ACCOUNT_FROZEN' THEN d.id
        END;
        IF o_outcome = 'expired' THEN
          INSERT INTO ledger_transfers
              (id, debit_account_id, credit_account_id, amount, currency, kind, pending_id, reference)
            VALUES (p.id || ':expired', p.debit_account_id, p.credit_account_id, p.amount,
              p.currency, 'expire_pending', p.id, 'hold expired');
          UPDATE accounts SET debits_pending = debits_pending - p.amount, updated_at = now()
            WHERE id = p.debit_account_id;
          UPDATE accounts SET credits_pending = credits_pending - p.amount, updated_at = now()
            WHERE id = p.credit_account_id;
        ELSIF o_outcome IS NULL THEN
          INSERT INTO ledger_transfers
              (id, debit_account_id, credit_account_id, amount, currency, kind, pending_id, reference)
            VALUES (v_id, p.debit_account_id, p.credit_account_id, v_amount, p.currency, v_kind,
              p.id, p_item ->> 'reference')
            RETURNING * INTO t;
          IF v_kind = 'post_pending' THEN
            UPDATE accounts SET debits_pending = debits_pending - p.amount,
                debits_posted = debits_posted + v_amount, updated_at = now()
              WHERE id = p.debit_account_id RETURNING * INTO d;
            UPDATE accounts SET credits_pending = credits_pending - p.amount,
                credits_posted = credits_posted + v_amount, updated_at = now()
              WHERE id = p.credit_account_id RETURNING * INTO c;
            INSERT INTO ledger_entries (account_id, transfer_id, direction, amount, balance_after)
              VALUES
                (d.id, v_id, 'debit', v_amount, d.credits_posted - d.debits_posted),
                (c.id, v_id, 'credit', v_amount, c.credits_posted - c.debits_posted);
          ELSE
            UPDATE accounts SET debits_pending = debits_pending - p.amount, updated_at = now()
              WHERE id = p.debit_account_id;
            UPDATE accounts SET credits_pending = credits_pending - p.amount, updated_at = now()
              WHERE id = p.credit_account_id;
          END IF;
          o_outcome := 'created';
        END IF;
      END IF;
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
END;
$$;
