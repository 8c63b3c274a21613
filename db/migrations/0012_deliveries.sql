CREATE TYPE "public"."delivery_status" AS ENUM('dispatched', 'delivered');--> statement-breakpoint
ALTER TYPE "public"."movement_kind" ADD VALUE 'dispatch';--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "certificates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"delivery_id" integer NOT NULL,
	"buyer_id" integer NOT NULL,
	"number" varchar(40) NOT NULL,
	"issued_on" date NOT NULL,
	"product" varchar(200) NOT NULL,
	"quantity_kg" numeric(14, 2) NOT NULL,
	"producer" varchar(500) NOT NULL,
	"origin" varchar(300) NOT NULL,
	"contact" varchar(200) NOT NULL,
	"commitment" varchar(500) NOT NULL,
	"test_results" jsonb NOT NULL,
	"lines" jsonb NOT NULL,
	"supersedes_id" integer,
	"superseded_by_id" integer,
	"reason" varchar(500),
	"issued_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certificates_union_number_key" UNIQUE("union_id","number"),
	CONSTRAINT "certificates_supersedes_key" UNIQUE("supersedes_id")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"order_id" integer NOT NULL,
	"buyer_id" integer NOT NULL,
	"status" "delivery_status" DEFAULT 'dispatched' NOT NULL,
	"vehicle" varchar(40),
	"driver" varchar(60),
	"dispatched_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"received_by" varchar(60),
	"dispatched_by" integer,
	CONSTRAINT "deliveries_union_id_id_key" UNIQUE("union_id","id"),
	CONSTRAINT "deliveries_delivered" CHECK (("deliveries"."status" = 'delivered') = ("deliveries"."delivered_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "delivery_lines" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "delivery_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"delivery_id" integer NOT NULL,
	"buyer_id" integer NOT NULL,
	"order_line_id" integer NOT NULL,
	"lot_id" integer NOT NULL,
	"warehouse_id" integer NOT NULL,
	"crop_id" integer NOT NULL,
	"grade" "lot_grade" NOT NULL,
	"dispatched_kg" numeric(12, 2) NOT NULL,
	"received_kg" numeric(12, 2),
	CONSTRAINT "delivery_lines_dispatched_positive" CHECK ("delivery_lines"."dispatched_kg" > 0),
	CONSTRAINT "delivery_lines_received_within" CHECK ("delivery_lines"."received_kg" IS NULL OR ("delivery_lines"."received_kg" >= 0 AND "delivery_lines"."received_kg" <= "delivery_lines"."dispatched_kg"))
);
--> statement-breakpoint
ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_kind_rooms";--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "delivery_id" integer;--> statement-breakpoint
ALTER TABLE "allocations" ADD COLUMN "dispatched" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_delivery_fk" FOREIGN KEY ("union_id","delivery_id") REFERENCES "public"."deliveries"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_supersedes_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."certificates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_dispatched_by_users_id_fk" FOREIGN KEY ("dispatched_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_order_fk" FOREIGN KEY ("union_id","order_id") REFERENCES "public"."orders"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_lines" ADD CONSTRAINT "delivery_lines_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_lines" ADD CONSTRAINT "delivery_lines_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_lines" ADD CONSTRAINT "delivery_lines_delivery_fk" FOREIGN KEY ("union_id","delivery_id") REFERENCES "public"."deliveries"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_lines" ADD CONSTRAINT "delivery_lines_lot_fk" FOREIGN KEY ("union_id","lot_id") REFERENCES "public"."harvest_lots"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "certificates_delivery_idx" ON "certificates" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "certificates_buyer_idx" ON "certificates" USING btree ("union_id","buyer_id","id");--> statement-breakpoint
CREATE INDEX "deliveries_order_idx" ON "deliveries" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "deliveries_buyer_idx" ON "deliveries" USING btree ("union_id","buyer_id","id");--> statement-breakpoint
CREATE INDEX "delivery_lines_delivery_idx" ON "delivery_lines" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "delivery_lines_lot_idx" ON "delivery_lines" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "delivery_lines_buyer_idx" ON "delivery_lines" USING btree ("union_id","buyer_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_delivery_idx" ON "stock_movements" USING btree ("delivery_id");--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_kind_rooms" CHECK (CASE "stock_movements"."kind"::text
      WHEN 'receive' THEN "stock_movements"."to_warehouse_id" IS NOT NULL AND "stock_movements"."from_warehouse_id" IS NULL
      WHEN 'output' THEN "stock_movements"."to_warehouse_id" IS NOT NULL AND "stock_movements"."from_warehouse_id" IS NULL AND "stock_movements"."processing_run_id" IS NOT NULL
      WHEN 'issue' THEN "stock_movements"."from_warehouse_id" IS NOT NULL AND "stock_movements"."to_warehouse_id" IS NULL AND "stock_movements"."processing_run_id" IS NOT NULL
      WHEN 'loss' THEN "stock_movements"."from_warehouse_id" IS NOT NULL AND "stock_movements"."to_warehouse_id" IS NULL
      WHEN 'dispatch' THEN "stock_movements"."from_warehouse_id" IS NOT NULL AND "stock_movements"."to_warehouse_id" IS NULL AND "stock_movements"."delivery_id" IS NOT NULL
      WHEN 'transfer' THEN "stock_movements"."from_warehouse_id" IS NOT NULL AND "stock_movements"."to_warehouse_id" IS NOT NULL AND "stock_movements"."from_warehouse_id" <> "stock_movements"."to_warehouse_id"
      ELSE ("stock_movements"."from_warehouse_id" IS NOT NULL OR "stock_movements"."to_warehouse_id" IS NOT NULL) END);