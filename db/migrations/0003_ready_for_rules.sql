CREATE TABLE "idempotency_keys" (
	"user_id" integer NOT NULL,
	"key" varchar(200) NOT NULL,
	"union_id" integer NOT NULL,
	"request_hash" char(64) NOT NULL,
	"method" varchar(10) NOT NULL,
	"path" varchar(2048) NOT NULL,
	"status_code" smallint,
	"response" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "action" SET DATA TYPE varchar(60);--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seal" char(64);--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seal_prev_id" bigint;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "audit_log_unsealed_idx" ON "audit_log" USING btree ("union_id","id") WHERE seal IS NULL;--> statement-breakpoint
CREATE INDEX "audit_log_sealed_idx" ON "audit_log" USING btree ("union_id","id") WHERE seal IS NOT NULL;--> statement-breakpoint
DROP TYPE "public"."audit_action";--> statement-breakpoint
-- The trail stays append-only; the one change allowed is sealing an unsealed row, and only
-- its seal columns may move. (Row triggers do not fire for the ALTER TABLE above.)
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Every column but the seal's, listed (a test checks the list covers the table): a
  -- to_jsonb comparison is simpler but makes sealing several times slower.
  IF TG_OP = 'UPDATE' AND OLD.seal IS NULL AND NEW.seal IS NOT NULL
     AND (NEW.id, NEW.union_id, NEW.user_id, NEW.username, NEW.action, NEW.resource, NEW.record_id,
          NEW.before, NEW.after, NEW.request_id, NEW.at)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.union_id, OLD.user_id, OLD.username, OLD.action, OLD.resource, OLD.record_id,
          OLD.before, OLD.after, OLD.request_id, OLD.at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
-- A row is born unsealed: only the sealer, holding the key, seals it.
CREATE OR REPLACE FUNCTION audit_log_born_unsealed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.seal := NULL;
  NEW.seal_prev_id := NULL;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_insert_unsealed
  BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_born_unsealed();
