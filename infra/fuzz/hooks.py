"""Schemathesis hooks for infra/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

- Auth: the fuzz customer's access token from setup (test/security/fuzz-setup.ts).
- Inputs: path, query and body ids are sometimes the customer's real ids, so generated requests
  reach past the 404 of an unknown id into the handlers.
- Check `no_state_change_on_4xx`: a snapshot of everything the customer owns (user, customer,
  accounts and their ledger totals, transfers, ledger rows, schedules, KYC, notification
  settings, audit rows) is taken before each request, once background work has settled; a 4xx
  response must leave it unchanged. Two designed exceptions: a failed login's lockout counter
  (users.failed_login_count / locked_until are left out), and a transfer the workflow refused
  (POST /transfers answering 422 with details.transferId, e.g. INSUFFICIENT_FUNDS): the API's
  contract records the declined attempt as that one transfer, in a refused terminal status, with
  no money moved. The check allows exactly that row and nothing else: accounts, ledger totals and
  ledger rows must be unchanged, once the refusal's read-model write has settled. For
  POST /auth/register, a 4xx must not create the user it names.

Requests run one at a time (--workers 1) so a snapshot diff belongs to exactly one request.
"""

from __future__ import annotations

import json
import os
import time

import psycopg
import schemathesis
from hypothesis import strategies as st

STATE = json.load(open(os.environ["FUZZ_STATE_FILE"], encoding="utf-8"))
API_URL = os.environ["FUZZ_API_URL"]
IDS = STATE["ids"]

_db = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


@schemathesis.auth(refresh_interval=None, retry_on=[])
class HarborCustomerAuth:
    """The access token issued at setup (the fuzz API gives it a lifetime longer than the run).
    No login during the run: the fuzzer sends wrong passwords for the customer's email too, and
    the lockout it trips is the API doing its job, not a reason to lose the session."""

    def get(self, case, context):
        return STATE["accessToken"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


# --- real ids in generated inputs ---------------------------------------------------------

def _ids_for(name: str, path: str) -> list[str]:
    lname = name.lower()
    if lname in ("customerid",):
        return [IDS["customerId"]]
    if "account" in lname:
        return IDS["accountIds"]
    if "transfer" in lname:
        return IDS["transferIds"]
    if "document" in lname:
        return IDS["documentIds"]
    if lname == "id":
        if "/accounts/" in path:
            return IDS["accountIds"]
        if "/transfers/" in path:
            return IDS["transferIds"]
    return []


def _with_real_ids(ctx, value):
    if not isinstance(value, dict) or not value:
        return st.just(value)
    path = ctx.operation.path if ctx.operation is not None else ""
    options = {k: _ids_for(k, path) for k in value if isinstance(k, str)}
    options = {k: v for k, v in options.items() if v}
    if not options:
        return st.just(value)

    def build(choices):
        out = dict(value)
        for key, pick in choices.items():
            if pick is not None:
                out[key] = pick
        return out

    return st.fixed_dictionaries(
        {k: st.one_of(st.none(), st.sampled_from(v)) for k, v in options.items()}
    ).map(build)


@schemathesis.hook
def flatmap_path_parameters(ctx, path_parameters):
    return _with_real_ids(ctx, path_parameters)


@schemathesis.hook
def flatmap_query(ctx, query):
    return _with_real_ids(ctx, query)


@schemathesis.hook
def flatmap_body(ctx, body):
    return _with_real_ids(ctx, body)


# --- no state change on a 4xx --------------------------------------------------------------

SNAPSHOT_SQL = """
with me as (select id, customer_id from users where lower(email) = lower(%(email)s)),
     acc as (select a.* from accounts a where a.customer_id = (select customer_id from me))
select json_build_object(
  'user', (select md5(concat_ws('|', u.email, u.password_hash, u.roles::text, u.customer_id,
                                 u.mfa_secret_enc, u.mfa_enabled::text))
           from users u where u.id = (select id from me)),
  'revokedRefreshTokens', (select count(*) from refresh_tokens
                           where user_id = (select id from me) and revoked_at is not null),
  'customer', (select md5(row_to_json(c)::text) from customers c
               where c.id = (select customer_id from me)),
  'accounts', (select coalesce(json_agg(json_build_object('id', id, 'status', status,
                 'dp', debits_pending::text, 'dq', debits_posted::text,
                 'cp', credits_pending::text, 'cq', credits_posted::text) order by id), '[]')
               from acc),
  'transfers', (select coalesce(json_agg(json_build_object('id', id, 'status', status,
                  'version', version) order by id), '[]')
                from transfers t where t.customer_id = (select customer_id from me)
                   or t.from_account_id in (select id from acc)
                   or t.to_account_id in (select id from acc)),
  'ledgerTransfers', (select count(*) from ledger_transfers l
                      where l.debit_account_id in (select id from acc)
                         or l.credit_account_id in (select id from acc)),
  'schedules', (select coalesce(md5(string_agg(row_to_json(s)::text, ',' order by id)), '')
                from scheduled_payments s where s.customer_id = (select customer_id from me)),
  'kycApplications', (select coalesce(json_agg(json_build_object('id', id, 'status', status)
                        order by id), '[]')
                      from kyc_applications k where k.customer_id = (select customer_id from me)),
  'kycDocuments', (select count(*) from kyc_documents d
                   where d.customer_id = (select customer_id from me)),
  'notificationSettings', (select md5(coalesce((select string_agg(row_to_json(p)::text, ','
                              order by category, channel) from notification_preferences p
                              where p.customer_id = (select customer_id from me)), '')
                            || coalesce((select row_to_json(n)::text from notification_contacts n
                              where n.customer_id = (select customer_id from me)), ''))),
  'auditRows', (select count(*) from audit_log a where a.actor = (select id from me))
)::text
"""

_before: dict[int, str] = {}
# After a 2xx (or at the start) workflows may still be moving the customer's state.
_in_flux = True


def snapshot() -> str:
    with _db.cursor() as cur:
        cur.execute(SNAPSHOT_SQL, {"email": STATE["email"]})
        return cur.fetchone()[0]


def settled_snapshot(quiet: float = 0.6, timeout: float = 30.0) -> str:
    """A snapshot that held still for `quiet` seconds: holds, postings and account openings
    started by an earlier 2xx finish before the next request is judged."""
    deadline = time.monotonic() + timeout
    current, since = snapshot(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.2)
        again = snapshot()
        if again != current:
            current, since = again, time.monotonic()
    return current


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    _before[id(case)] = settled_snapshot() if _in_flux else snapshot()


def _diff(a: str, b: str) -> list[str]:
    before, after = json.loads(a), json.loads(b)
    return [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]


REFUSED_STATUSES = {"FAILED", "REJECTED", "CANCELLED"}


def _refused_transfer_id(case, response) -> str | None:
    """The transfer a 422 from POST /transfers says the workflow refused (and recorded)."""
    if (
        case.method.upper() != "POST"
        or case.operation.path != "/api/v1/transfers"
        or response.status_code != 422
    ):
        return None
    try:
        transfer_id = response.json()["error"]["details"]["transferId"]
    except (ValueError, KeyError, TypeError):
        return None
    return transfer_id if isinstance(transfer_id, str) else None


def _without_refused(state: str, transfer_id: str) -> str:
    """The snapshot minus the refused transfer's own row, which must be a refusal."""
    parsed = json.loads(state)
    kept = []
    for t in parsed.get("transfers") or []:
        if t.get("id") != transfer_id:
            kept.append(t)
        elif t.get("status") not in REFUSED_STATUSES:
            raise AssertionError(
                f"422 answer left transfer {transfer_id} in status {t.get('status')}"
            )
    parsed["transfers"] = kept
    return json.dumps(parsed, sort_keys=True)


@schemathesis.check
def no_state_change_on_4xx(ctx, response, case):
    global _in_flux
    before = _before.pop(id(case), None)
    refused = _refused_transfer_id(case, response)
    # A refused transfer's read-model row lands after the answer: let it settle before judging
    # this request, and before the next one is snapshotted.
    _in_flux = not 400 <= response.status_code < 500 or refused is not None
    if not 400 <= response.status_code < 500:
        return None
    after = settled_snapshot() if refused else snapshot()
    if refused and before is not None:
        before, after = _without_refused(before, refused), _without_refused(after, refused)
    if before is not None and before != after:
        changed = ", ".join(_diff(before, after))
        raise AssertionError(
            f"{response.status_code} answer changed the customer's state: {changed}"
        )
    if case.operation.path == "/api/v1/auth/register" and case.method.upper() == "POST":
        email = (case.body or {}).get("email") if isinstance(case.body, dict) else None
        if isinstance(email, str) and "\x00" not in email:
            with _db.cursor() as cur:
                cur.execute(
                    "select count(*) from users where lower(email) = lower(%s)"
                    " and created_at > now() - interval '5 seconds'",
                    (email,),
                )
                if cur.fetchone()[0]:
                    raise AssertionError("a 4xx registration created the user")
    return None
