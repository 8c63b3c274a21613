CREATE TYPE "public"."order_status" AS ENUM('submitted', 'confirmed', 'allocated', 'dispatched', 'delivered', 'paid', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."payment_method" AS ENUM('bank_transfer', 'cash', 'other');--> statement-breakpoint
CREATE TABLE "allocations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "allocations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"order_id" integer NOT NULL,
	"order_line_id" integer NOT NULL,
	"buyer_id" integer NOT NULL,
	"lot_id" integer NOT NULL,
	"warehouse_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"quantity_kg" numeric(12, 2) NOT NULL,
	"released" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allocations_quantity_positive" CHECK ("allocations"."quantity_kg" > 0)
);
--> statement-breakpoint
CREATE TABLE "listings" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "listings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"crop_id" integer NOT NULL,
	"grade" "lot_grade" NOT NULL,
	"price_per_kg" numeric(10, 2) NOT NULL,
	"min_order_kg" numeric(12, 2) NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"notes" varchar(500),
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "listings_union_crop_grade_key" UNIQUE("union_id","crop_id","grade"),
	CONSTRAINT "listings_price_per_kg_nonneg" CHECK ("listings"."price_per_kg" >= 0),
	CONSTRAINT "listings_min_order_kg_positive" CHECK ("listings"."min_order_kg" > 0)
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"order_id" integer NOT NULL,
	"buyer_id" integer NOT NULL,
	"crop_id" integer NOT NULL,
	"grade" "lot_grade" NOT NULL,
	"quantity_kg" numeric(12, 2) NOT NULL,
	"price_per_kg" numeric(10, 2) NOT NULL,
	"amount" numeric(14, 2) GENERATED ALWAYS AS (round(quantity_kg * price_per_kg, 2)) STORED,
	"allocated_kg" numeric(12, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "order_lines_quantity_positive" CHECK ("order_lines"."quantity_kg" > 0),
	CONSTRAINT "order_lines_price_nonneg" CHECK ("order_lines"."price_per_kg" >= 0),
	CONSTRAINT "order_lines_allocated_within" CHECK ("order_lines"."allocated_kg" >= 0 AND "order_lines"."allocated_kg" <= "order_lines"."quantity_kg")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"buyer_id" integer NOT NULL,
	"status" "order_status" DEFAULT 'submitted' NOT NULL,
	"reference" varchar(60),
	"wanted_on" date,
	"notes" varchar(500),
	"total_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"paid_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"created_by" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_union_id_id_key" UNIQUE("union_id","id"),
	CONSTRAINT "orders_paid_within_total" CHECK ("orders"."paid_amount" >= 0 AND "orders"."paid_amount" <= "orders"."total_amount")
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"order_id" integer NOT NULL,
	"buyer_id" integer NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"paid_on" date NOT NULL,
	"method" "payment_method" NOT NULL,
	"reference" varchar(60),
	"recorded_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "supply_stock" (
	"union_id" integer NOT NULL,
	"crop_id" integer NOT NULL,
	"grade" "lot_grade" NOT NULL,
	"expires_on" date NOT NULL,
	"village_id" integer NOT NULL,
	"free_kg" numeric(14, 2) NOT NULL,
	CONSTRAINT "supply_stock_pkey" PRIMARY KEY("union_id","crop_id","grade","expires_on","village_id"),
	CONSTRAINT "supply_stock_free_kg_nonneg" CHECK ("supply_stock"."free_kg" >= 0)
);
--> statement-breakpoint
CREATE TABLE "supply_stock_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "supply_stock_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"crop_id" integer NOT NULL,
	"grade" "lot_grade" NOT NULL,
	"expires_on" date NOT NULL,
	"village_id" integer NOT NULL,
	"delta_kg" numeric(14, 2) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stock" ADD COLUMN "allocated_kg" numeric(12, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_order_fk" FOREIGN KEY ("union_id","order_id") REFERENCES "public"."orders"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_lot_fk" FOREIGN KEY ("union_id","lot_id") REFERENCES "public"."harvest_lots"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_warehouse_fk" FOREIGN KEY ("union_id","warehouse_id") REFERENCES "public"."warehouses"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_crop_fk" FOREIGN KEY ("union_id","crop_id") REFERENCES "public"."crops"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_fk" FOREIGN KEY ("union_id","order_id") REFERENCES "public"."orders"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_crop_fk" FOREIGN KEY ("union_id","crop_id") REFERENCES "public"."crops"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_buyer_fk" FOREIGN KEY ("union_id","buyer_id") REFERENCES "public"."buyers"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_order_fk" FOREIGN KEY ("union_id","order_id") REFERENCES "public"."orders"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocations_order_idx" ON "allocations" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "allocations_line_idx" ON "allocations" USING btree ("order_line_id");--> statement-breakpoint
CREATE INDEX "allocations_lot_idx" ON "allocations" USING btree ("lot_id","warehouse_id");--> statement-breakpoint
CREATE INDEX "allocations_buyer_idx" ON "allocations" USING btree ("union_id","buyer_id","id");--> statement-breakpoint
CREATE INDEX "order_lines_order_idx" ON "order_lines" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "order_lines_buyer_idx" ON "order_lines" USING btree ("union_id","buyer_id","id");--> statement-breakpoint
CREATE INDEX "orders_buyer_idx" ON "orders" USING btree ("union_id","buyer_id","id");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("union_id","status","id");--> statement-breakpoint
CREATE INDEX "payments_order_idx" ON "payments" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "payments_buyer_idx" ON "payments" USING btree ("union_id","buyer_id","id");--> statement-breakpoint
CREATE INDEX "supply_stock_changes_key_idx" ON "supply_stock_changes" USING btree ("union_id","crop_id","grade");--> statement-breakpoint
ALTER TABLE "stock" ADD CONSTRAINT "stock_allocated_within" CHECK ("stock"."allocated_kg" >= 0 AND "stock"."allocated_kg" <= "stock"."quantity_kg");