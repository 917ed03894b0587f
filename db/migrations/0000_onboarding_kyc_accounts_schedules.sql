CREATE TABLE "kyc_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"legal_name" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"address" jsonb NOT NULL,
	"country" text NOT NULL,
	"national_id_enc" text NOT NULL,
	"national_id_last4" text NOT NULL,
	"id_document_id" text,
	"proof_of_address_document_id" text,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"screening" jsonb,
	"workflow_id" text NOT NULL,
	"escalated_at" timestamp with time zone,
	"decided_by" text,
	"decision_reason" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kyc_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"kind" text NOT NULL,
	"mime_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_path" text NOT NULL,
	"original_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bank_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"customer_id" text NOT NULL,
	"type" text NOT NULL,
	"currency" text NOT NULL,
	"opening_status" text DEFAULT 'OPENING' NOT NULL,
	"workflow_id" text NOT NULL,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_accounts_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "scheduled_payment_occurrences" (
	"schedule_id" text NOT NULL,
	"due_at" text NOT NULL,
	"transfer_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"failure_code" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scheduled_payment_occurrences_schedule_id_due_at_pk" PRIMARY KEY("schedule_id","due_at")
);
--> statement-breakpoint
CREATE TABLE "scheduled_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"from_account_id" text NOT NULL,
	"to_account_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"memo" text,
	"spec" jsonb NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"paused_reason" text,
	"next_run_at" timestamp with time zone,
	"occurrence_count" integer DEFAULT 0 NOT NULL,
	"workflow_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scheduled_payment_occurrences" ADD CONSTRAINT "scheduled_payment_occurrences_schedule_id_scheduled_payments_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."scheduled_payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "kyc_applications_customer_attempt_uq" ON "kyc_applications" USING btree ("customer_id","attempt");--> statement-breakpoint
CREATE INDEX "kyc_applications_status_idx" ON "kyc_applications" USING btree ("status");--> statement-breakpoint
CREATE INDEX "kyc_documents_customer_idx" ON "kyc_documents" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "bank_accounts_customer_idx" ON "bank_accounts" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "scheduled_payments_customer_idx" ON "scheduled_payments" USING btree ("customer_id");