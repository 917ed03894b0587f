CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text,
	"number" text,
	"type" text,
	"currency" char(3) NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"debits_must_not_exceed_credits" boolean DEFAULT true NOT NULL,
	"credits_must_not_exceed_debits" boolean DEFAULT false NOT NULL,
	"overdraft_limit" bigint DEFAULT 0 NOT NULL,
	"debits_pending" bigint DEFAULT 0 NOT NULL,
	"debits_posted" bigint DEFAULT 0 NOT NULL,
	"credits_pending" bigint DEFAULT 0 NOT NULL,
	"credits_posted" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_number_unique" UNIQUE("number"),
	CONSTRAINT "accounts_kind_check" CHECK ("accounts"."kind" in ('customer', 'settlement', 'clearing', 'fees')),
	CONSTRAINT "accounts_status_check" CHECK ("accounts"."status" in ('ACTIVE', 'FROZEN', 'CLOSED')),
	CONSTRAINT "accounts_type_check" CHECK ("accounts"."type" is null or "accounts"."type" in ('CHECKING', 'SAVINGS')),
	CONSTRAINT "accounts_totals_non_negative" CHECK ("accounts"."debits_pending" >= 0 and "accounts"."debits_posted" >= 0 and "accounts"."credits_pending" >= 0 and "accounts"."credits_posted" >= 0),
	CONSTRAINT "accounts_overdraft_limit_non_negative" CHECK ("accounts"."overdraft_limit" >= 0),
	CONSTRAINT "accounts_flags_exclusive" CHECK (not ("accounts"."debits_must_not_exceed_credits" and "accounts"."credits_must_not_exceed_debits")),
	CONSTRAINT "accounts_debits_limit" CHECK (not "accounts"."debits_must_not_exceed_credits" or "accounts"."debits_pending" + "accounts"."debits_posted" <= "accounts"."credits_posted" + "accounts"."overdraft_limit"),
	CONSTRAINT "accounts_credits_limit" CHECK (not "accounts"."credits_must_not_exceed_debits" or "accounts"."credits_pending" + "accounts"."credits_posted" <= "accounts"."debits_posted")
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"transfer_id" text NOT NULL,
	"direction" text NOT NULL,
	"amount" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_direction_check" CHECK ("ledger_entries"."direction" in ('debit', 'credit')),
	CONSTRAINT "ledger_entries_amount_positive" CHECK ("ledger_entries"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"debit_account_id" text NOT NULL,
	"credit_account_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"kind" text NOT NULL,
	"pending_id" text,
	"timeout_seconds" integer,
	"timeout_at" timestamp with time zone,
	"reference" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_transfers_amount_positive" CHECK ("ledger_transfers"."amount" > 0),
	CONSTRAINT "ledger_transfers_kind_check" CHECK ("ledger_transfers"."kind" in ('single', 'pending', 'post_pending', 'void_pending', 'expire_pending')),
	CONSTRAINT "ledger_transfers_distinct_accounts" CHECK ("ledger_transfers"."debit_account_id" <> "ledger_transfers"."credit_account_id"),
	CONSTRAINT "ledger_transfers_pending_id_check" CHECK (("ledger_transfers"."kind" in ('post_pending', 'void_pending', 'expire_pending')) = ("ledger_transfers"."pending_id" is not null)),
	CONSTRAINT "ledger_transfers_timeout_check" CHECK ("ledger_transfers"."kind" = 'pending' or ("ledger_transfers"."timeout_seconds" is null and "ledger_transfers"."timeout_at" is null))
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transfer_id_ledger_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."ledger_transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_debit_account_id_accounts_id_fk" FOREIGN KEY ("debit_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_credit_account_id_accounts_id_fk" FOREIGN KEY ("credit_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_pending_id_ledger_transfers_id_fk" FOREIGN KEY ("pending_id") REFERENCES "public"."ledger_transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_customer_id_idx" ON "accounts" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_transfer_direction_unique" ON "ledger_entries" USING btree ("transfer_id","direction");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_id_idx" ON "ledger_entries" USING btree ("account_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transfers_resolves_once" ON "ledger_transfers" USING btree ("pending_id") WHERE "ledger_transfers"."pending_id" is not null;--> statement-breakpoint
CREATE INDEX "ledger_transfers_debit_account_idx" ON "ledger_transfers" USING btree ("debit_account_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_credit_account_idx" ON "ledger_transfers" USING btree ("credit_account_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_pending_timeout_idx" ON "ledger_transfers" USING btree ("timeout_at") WHERE "ledger_transfers"."kind" = 'pending' and "ledger_transfers"."timeout_at" is not null;