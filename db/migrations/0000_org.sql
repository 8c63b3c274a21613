CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TYPE "public"."buyer_kind" AS ENUM('state_enterprise', 'supermarket', 'wholesale_market', 'canteen', 'other');--> statement-breakpoint
CREATE TYPE "public"."gender" AS ENUM('male', 'female');--> statement-breakpoint
CREATE TYPE "public"."plot_kind" AS ENUM('greenhouse', 'open_field');--> statement-breakpoint
CREATE TYPE "public"."plot_tenure" AS ENUM('household', 'collective');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('union_admin', 'union_sales', 'coop_manager', 'village_cadre', 'buyer', 'member');--> statement-breakpoint
CREATE TYPE "public"."audit_action" AS ENUM('create', 'update', 'delete');--> statement-breakpoint
CREATE TABLE "buyers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "buyers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"code" varchar(32) NOT NULL,
	"name" varchar(120) NOT NULL,
	"kind" "buyer_kind" NOT NULL,
	"contact_name" varchar(60),
	"phone" varchar(20),
	"address" varchar(200),
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buyers_union_code_key" UNIQUE("union_id","code"),
	CONSTRAINT "buyers_union_id_id_key" UNIQUE("union_id","id")
);
--> statement-breakpoint
CREATE TABLE "cooperatives" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cooperatives_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"code" varchar(32) NOT NULL,
	"name" varchar(120) NOT NULL,
	"registration_no" varchar(40),
	"legal_representative" varchar(60),
	"phone" varchar(20),
	"founded_on" date,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cooperatives_union_code_key" UNIQUE("union_id","code"),
	CONSTRAINT "cooperatives_village_key" UNIQUE("village_id"),
	CONSTRAINT "cooperatives_union_id_id_key" UNIQUE("union_id","id")
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "households_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"code" varchar(32) NOT NULL,
	"head_name" varchar(60) NOT NULL,
	"phone" varchar(20),
	"address" varchar(200),
	"is_member" boolean DEFAULT true NOT NULL,
	"capital_contributed" numeric(14, 2) DEFAULT '0' NOT NULL,
	"joined_on" date,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "households_union_code_key" UNIQUE("union_id","code"),
	CONSTRAINT "households_union_id_id_key" UNIQUE("union_id","id"),
	CONSTRAINT "households_village_id_id_key" UNIQUE("village_id","id"),
	CONSTRAINT "households_capital_nonneg" CHECK ("households"."capital_contributed" >= 0)
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "people_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"household_id" integer,
	"name" varchar(60) NOT NULL,
	"gender" "gender" NOT NULL,
	"birth_year" integer,
	"phone" varchar(20),
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_birth_year_range" CHECK ("people"."birth_year" IS NULL OR "people"."birth_year" BETWEEN 1900 AND 2100)
);
--> statement-breakpoint
CREATE TABLE "plots" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "plots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"household_id" integer,
	"tenure" "plot_tenure" NOT NULL,
	"code" varchar(32) NOT NULL,
	"name" varchar(80) NOT NULL,
	"area_mu" numeric(10, 2) NOT NULL,
	"kind" "plot_kind" NOT NULL,
	"location" varchar(200),
	"latitude" numeric(9, 6),
	"longitude" numeric(9, 6),
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plots_union_code_key" UNIQUE("union_id","code"),
	CONSTRAINT "plots_area_positive" CHECK ("plots"."area_mu" > 0),
	CONSTRAINT "plots_tenure_household" CHECK (("plots"."tenure" = 'household') = ("plots"."household_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "unions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "unions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" varchar(32) NOT NULL,
	"name" varchar(120) NOT NULL,
	"short_name" varchar(60),
	"is_demo" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unions_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"username" varchar(60) NOT NULL,
	"password_hash" text NOT NULL,
	"display_name" varchar(60) NOT NULL,
	"role" "role" NOT NULL,
	"cooperative_id" integer,
	"village_id" integer,
	"household_id" integer,
	"buyer_id" integer,
	"phone" varchar(20),
	"active" boolean DEFAULT true NOT NULL,
	"last_login_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_scope" CHECK (CASE "users"."role"
        WHEN 'union_admin' THEN "users"."cooperative_id" IS NULL AND "users"."village_id" IS NULL AND "users"."household_id" IS NULL AND "users"."buyer_id" IS NULL
        WHEN 'union_sales' THEN "users"."cooperative_id" IS NULL AND "users"."village_id" IS NULL AND "users"."household_id" IS NULL AND "users"."buyer_id" IS NULL
        WHEN 'coop_manager' THEN "users"."cooperative_id" IS NOT NULL AND "users"."village_id" IS NOT NULL AND "users"."household_id" IS NULL AND "users"."buyer_id" IS NULL
        WHEN 'village_cadre' THEN "users"."village_id" IS NOT NULL AND "users"."cooperative_id" IS NULL AND "users"."household_id" IS NULL AND "users"."buyer_id" IS NULL
        WHEN 'buyer' THEN "users"."buyer_id" IS NOT NULL AND "users"."cooperative_id" IS NULL AND "users"."village_id" IS NULL AND "users"."household_id" IS NULL
        WHEN 'member' THEN "users"."household_id" IS NOT NULL AND "users"."village_id" IS NOT NULL AND "users"."cooperative_id" IS NULL AND "users"."buyer_id" IS NULL
      END)
);
--> statement-breakpoint
CREATE TABLE "villages" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "villages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"code" varchar(32) NOT NULL,
	"name" varchar(60) NOT NULL,
	"township" varchar(60),
	"notes" varchar(2000),
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "villages_union_code_key" UNIQUE("union_id","code"),
	CONSTRAINT "villages_union_name_key" UNIQUE("union_id","name"),
	CONSTRAINT "villages_union_id_id_key" UNIQUE("union_id","id")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"user_id" integer,
	"username" varchar(60),
	"action" "audit_action" NOT NULL,
	"resource" varchar(60) NOT NULL,
	"record_id" varchar(60) NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" varchar(64),
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "buyers" ADD CONSTRAINT "buyers_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cooperatives" ADD CONSTRAINT "cooperatives_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cooperatives" ADD CONSTRAINT "cooperatives_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_household_fk" FOREIGN KEY ("village_id","household_id") REFERENCES "public"."households"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plots" ADD CONSTRAINT "plots_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plots" ADD CONSTRAINT "plots_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plots" ADD CONSTRAINT "plots_household_fk" FOREIGN KEY ("village_id","household_id") REFERENCES "public"."households"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_cooperative_fk" FOREIGN KEY ("union_id","cooperative_id") REFERENCES "public"."cooperatives"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_household_fk" FOREIGN KEY ("union_id","household_id") REFERENCES "public"."households"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_buyer_fk" FOREIGN KEY ("union_id","buyer_id") REFERENCES "public"."buyers"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "villages" ADD CONSTRAINT "villages_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "households_village_idx" ON "households" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "households_head_name_trgm" ON "households" USING gin ("head_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "households_code_trgm" ON "households" USING gin ("code" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "people_village_idx" ON "people" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "people_household_idx" ON "people" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "people_name_trgm" ON "people" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "plots_village_idx" ON "plots" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "plots_household_idx" ON "plots" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "plots_name_trgm" ON "plots" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_key" ON "users" USING btree (lower("username"));--> statement-breakpoint
CREATE INDEX "users_union_idx" ON "users" USING btree ("union_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_union_at_idx" ON "audit_log" USING btree ("union_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_record_idx" ON "audit_log" USING btree ("resource","record_id");