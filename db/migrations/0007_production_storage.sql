CREATE TYPE "public"."crop_category" AS ENUM('leafy', 'brassica', 'fruiting', 'cucurbit', 'root', 'allium', 'legume', 'aquatic', 'other');--> statement-breakpoint
CREATE TYPE "public"."input_kind" AS ENUM('pesticide', 'fertiliser', 'other');--> statement-breakpoint
CREATE TYPE "public"."lot_grade" AS ENUM('premium', 'first', 'second', 'processing');--> statement-breakpoint
CREATE TYPE "public"."lot_source" AS ENUM('harvest', 'processing');--> statement-breakpoint
CREATE TYPE "public"."planting_status" AS ENUM('planned', 'growing', 'harvesting', 'finished');--> statement-breakpoint
CREATE TYPE "public"."residue_method" AS ENUM('rapid', 'lab');--> statement-breakpoint
CREATE TYPE "public"."residue_result" AS ENUM('pass', 'fail');--> statement-breakpoint
CREATE TYPE "public"."residue_status" AS ENUM('untested', 'pass', 'fail');--> statement-breakpoint
CREATE TYPE "public"."temperature_zone" AS ENUM('chilled', 'cool', 'ambient');--> statement-breakpoint
CREATE TYPE "public"."movement_kind" AS ENUM('receive', 'transfer', 'issue', 'output', 'loss', 'adjust', 'reversal');--> statement-breakpoint
CREATE TYPE "public"."processing_kind" AS ENUM('grading', 'washing', 'packing', 'other');--> statement-breakpoint
CREATE TYPE "public"."reading_source" AS ENUM('manual', 'sensor');--> statement-breakpoint
CREATE TYPE "public"."warehouse_kind" AS ENUM('cold_room', 'ambient_store', 'processing_hall');--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_village_id_id_key" UNIQUE("village_id","id");--> statement-breakpoint
ALTER TABLE "plots" ADD CONSTRAINT "plots_village_id_id_key" UNIQUE("village_id","id");--> statement-breakpoint
CREATE TABLE "crops" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "crops_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"code" varchar(32) NOT NULL,
	"name_zh" varchar(60) NOT NULL,
	"name_en" varchar(60) NOT NULL,
	"variety" varchar(60),
	"category" "crop_category" NOT NULL,
	"shelf_life_days" integer NOT NULL,
	"storage_zone" "temperature_zone" NOT NULL,
	"chill_sensitive" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crops_union_code_key" UNIQUE("union_id","code"),
	CONSTRAINT "crops_union_id_id_key" UNIQUE("union_id","id"),
	CONSTRAINT "crops_shelf_life_days_range" CHECK ("crops"."shelf_life_days" BETWEEN 1 AND 730),
	CONSTRAINT "crops_storage_zone_chill" CHECK (NOT ("crops"."chill_sensitive" AND "crops"."storage_zone" = 'chilled'))
);
--> statement-breakpoint
CREATE TABLE "harvest_lots" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "harvest_lots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"code" varchar(40) NOT NULL,
	"source" "lot_source" DEFAULT 'harvest' NOT NULL,
	"planting_id" integer,
	"plot_id" integer,
	"household_id" integer,
	"crop_id" integer NOT NULL,
	"harvested_on" date NOT NULL,
	"grade" "lot_grade" NOT NULL,
	"quantity_kg" numeric(12, 2) NOT NULL,
	"intake_price" numeric(10, 2),
	"intake_amount" numeric(14, 2) GENERATED ALWAYS AS (round(quantity_kg * coalesce(intake_price, 0), 2)) STORED,
	"is_member" boolean,
	"processing_run_id" integer,
	"expires_on" date NOT NULL,
	"received_kg" numeric(12, 2) DEFAULT '0' NOT NULL,
	"residue_status" "residue_status" DEFAULT 'untested' NOT NULL,
	"latest_test_id" integer,
	"notes" varchar(500),
	"recorded_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "harvest_lots_union_code_key" UNIQUE("union_id","code"),
	CONSTRAINT "harvest_lots_union_id_id_key" UNIQUE("union_id","id"),
	CONSTRAINT "harvest_lots_village_id_id_key" UNIQUE("village_id","id"),
	CONSTRAINT "harvest_lots_quantity_positive" CHECK ("harvest_lots"."quantity_kg" > 0),
	CONSTRAINT "harvest_lots_intake_price_nonneg" CHECK ("harvest_lots"."intake_price" IS NULL OR "harvest_lots"."intake_price" >= 0),
	CONSTRAINT "harvest_lots_received_kg" CHECK ("harvest_lots"."received_kg" >= 0 AND "harvest_lots"."received_kg" <= "harvest_lots"."quantity_kg"),
	CONSTRAINT "harvest_lots_source" CHECK (CASE "harvest_lots"."source"
      WHEN 'harvest' THEN "harvest_lots"."planting_id" IS NOT NULL AND "harvest_lots"."intake_price" IS NOT NULL AND "harvest_lots"."processing_run_id" IS NULL
      ELSE "harvest_lots"."processing_run_id" IS NOT NULL AND "harvest_lots"."planting_id" IS NULL AND "harvest_lots"."household_id" IS NULL END)
);
--> statement-breakpoint
CREATE TABLE "input_applications" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "input_applications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"planting_id" integer NOT NULL,
	"household_id" integer,
	"kind" "input_kind" NOT NULL,
	"product" varchar(120) NOT NULL,
	"active_ingredient" varchar(120),
	"target" varchar(120),
	"dose" numeric(12, 3) NOT NULL,
	"dose_unit" varchar(20) NOT NULL,
	"applied_on" date NOT NULL,
	"applied_by" varchar(60) NOT NULL,
	"pre_harvest_interval_days" smallint,
	"corrects_id" integer,
	"correction_reason" varchar(500),
	"corrected_by_id" integer,
	"recorded_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "input_applications_corrects_key" UNIQUE("corrects_id"),
	CONSTRAINT "input_applications_dose_positive" CHECK ("input_applications"."dose" > 0),
	CONSTRAINT "input_applications_pre_harvest_interval_days" CHECK (("input_applications"."kind" <> 'pesticide' OR "input_applications"."pre_harvest_interval_days" IS NOT NULL) AND ("input_applications"."pre_harvest_interval_days" IS NULL OR "input_applications"."pre_harvest_interval_days" BETWEEN 0 AND 365)),
	CONSTRAINT "input_applications_correction_reason" CHECK (("input_applications"."corrects_id" IS NULL) = ("input_applications"."correction_reason" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "lot_sequences" (
	"village_id" integer NOT NULL,
	"day" date NOT NULL,
	"last_seq" integer NOT NULL,
	CONSTRAINT "lot_sequences_pkey" PRIMARY KEY("village_id","day")
);
--> statement-breakpoint
CREATE TABLE "plantings" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "plantings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"plot_id" integer NOT NULL,
	"household_id" integer,
	"crop_id" integer NOT NULL,
	"area_mu" numeric(10, 2) NOT NULL,
	"planted_on" date NOT NULL,
	"expected_harvest_from" date,
	"expected_harvest_to" date,
	"expected_yield_kg" numeric(12, 2),
	"status" "planting_status" DEFAULT 'planned' NOT NULL,
	"finished_on" date,
	"harvestable_from" date,
	"harvested_kg" numeric(14, 2) DEFAULT '0' NOT NULL,
	"notes" varchar(2000),
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plantings_village_id_id_key" UNIQUE("village_id","id"),
	CONSTRAINT "plantings_area_positive" CHECK ("plantings"."area_mu" > 0),
	CONSTRAINT "plantings_expected_yield_nonneg" CHECK ("plantings"."expected_yield_kg" IS NULL OR "plantings"."expected_yield_kg" >= 0),
	CONSTRAINT "plantings_harvest_window" CHECK ("plantings"."expected_harvest_from" IS NULL OR "plantings"."expected_harvest_to" IS NULL OR "plantings"."expected_harvest_from" <= "plantings"."expected_harvest_to"),
	CONSTRAINT "plantings_harvest_after_planting" CHECK ("plantings"."expected_harvest_from" IS NULL OR "plantings"."expected_harvest_from" >= "plantings"."planted_on"),
	CONSTRAINT "plantings_finished_on" CHECK (("plantings"."status" = 'finished') = ("plantings"."finished_on" IS NOT NULL) AND ("plantings"."finished_on" IS NULL OR "plantings"."finished_on" >= "plantings"."planted_on"))
);
--> statement-breakpoint
CREATE TABLE "residue_tests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "residue_tests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"lot_id" integer NOT NULL,
	"method" "residue_method" DEFAULT 'rapid' NOT NULL,
	"result" "residue_result" NOT NULL,
	"value" numeric(10, 3),
	"tested_by" varchar(60) NOT NULL,
	"tested_on" date NOT NULL,
	"notes" varchar(500),
	"recorded_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_records" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "work_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"household_id" integer,
	"worked_on" date NOT NULL,
	"task" varchar(120) NOT NULL,
	"days" numeric(4, 1) NOT NULL,
	"wage" numeric(12, 2) NOT NULL,
	"notes" varchar(500),
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "work_records_days_range" CHECK ("work_records"."days" > 0 AND "work_records"."days" <= 31),
	CONSTRAINT "work_records_wage_nonneg" CHECK ("work_records"."wage" >= 0)
);
--> statement-breakpoint
CREATE TABLE "lot_parents" (
	"union_id" integer NOT NULL,
	"child_lot_id" integer NOT NULL,
	"parent_lot_id" integer NOT NULL,
	"processing_run_id" integer NOT NULL,
	"quantity_kg" numeric(12, 2) NOT NULL,
	CONSTRAINT "lot_parents_pkey" PRIMARY KEY("child_lot_id","parent_lot_id"),
	CONSTRAINT "lot_parents_quantity_positive" CHECK ("lot_parents"."quantity_kg" > 0),
	CONSTRAINT "lot_parents_not_self" CHECK ("lot_parents"."child_lot_id" <> "lot_parents"."parent_lot_id")
);
--> statement-breakpoint
CREATE TABLE "processing_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "processing_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"warehouse_id" integer,
	"kind" "processing_kind" NOT NULL,
	"crop_id" integer NOT NULL,
	"run_on" date NOT NULL,
	"input_kg" numeric(14, 2) NOT NULL,
	"output_kg" numeric(14, 2) NOT NULL,
	"loss_kg" numeric(14, 2) NOT NULL,
	"notes" varchar(500),
	"recorded_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processing_runs_union_id_id_key" UNIQUE("union_id","id"),
	CONSTRAINT "processing_runs_mass_balance" CHECK ("processing_runs"."input_kg" > 0 AND "processing_runs"."output_kg" > 0 AND "processing_runs"."loss_kg" >= 0 AND "processing_runs"."input_kg" = "processing_runs"."output_kg" + "processing_runs"."loss_kg")
);
--> statement-breakpoint
CREATE TABLE "stock" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "stock_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"warehouse_id" integer NOT NULL,
	"lot_id" integer NOT NULL,
	"lot_code" varchar(40) NOT NULL,
	"crop_id" integer NOT NULL,
	"grade" "lot_grade" NOT NULL,
	"expires_on" date NOT NULL,
	"quantity_kg" numeric(12, 2) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_lot_warehouse_key" UNIQUE("lot_id","warehouse_id"),
	CONSTRAINT "stock_quantity_nonneg" CHECK ("stock"."quantity_kg" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_movements" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "stock_movements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"kind" "movement_kind" NOT NULL,
	"lot_id" integer NOT NULL,
	"from_warehouse_id" integer,
	"to_warehouse_id" integer,
	"quantity_kg" numeric(12, 2) NOT NULL,
	"counted_kg" numeric(12, 2),
	"processing_run_id" integer,
	"reverses_id" bigint,
	"reason" varchar(500),
	"moved_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" integer,
	CONSTRAINT "stock_movements_reverses_key" UNIQUE("reverses_id"),
	CONSTRAINT "stock_movements_quantity_positive" CHECK ("stock_movements"."quantity_kg" > 0),
	CONSTRAINT "stock_movements_kind_rooms" CHECK (CASE "stock_movements"."kind"
      WHEN 'receive' THEN "stock_movements"."to_warehouse_id" IS NOT NULL AND "stock_movements"."from_warehouse_id" IS NULL
      WHEN 'output' THEN "stock_movements"."to_warehouse_id" IS NOT NULL AND "stock_movements"."from_warehouse_id" IS NULL AND "stock_movements"."processing_run_id" IS NOT NULL
      WHEN 'issue' THEN "stock_movements"."from_warehouse_id" IS NOT NULL AND "stock_movements"."to_warehouse_id" IS NULL AND "stock_movements"."processing_run_id" IS NOT NULL
      WHEN 'loss' THEN "stock_movements"."from_warehouse_id" IS NOT NULL AND "stock_movements"."to_warehouse_id" IS NULL
      WHEN 'transfer' THEN "stock_movements"."from_warehouse_id" IS NOT NULL AND "stock_movements"."to_warehouse_id" IS NOT NULL AND "stock_movements"."from_warehouse_id" <> "stock_movements"."to_warehouse_id"
      ELSE ("stock_movements"."from_warehouse_id" IS NOT NULL OR "stock_movements"."to_warehouse_id" IS NOT NULL) END),
	CONSTRAINT "stock_movements_reversal" CHECK (("stock_movements"."kind" = 'reversal') = ("stock_movements"."reverses_id" IS NOT NULL)),
	CONSTRAINT "stock_movements_counted" CHECK (("stock_movements"."kind" = 'adjust') = ("stock_movements"."counted_kg" IS NOT NULL) AND ("stock_movements"."counted_kg" IS NULL OR "stock_movements"."counted_kg" >= 0))
);
--> statement-breakpoint
CREATE TABLE "temperature_readings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "temperature_readings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"warehouse_id" integer NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	"temperature_c" numeric(5, 2) NOT NULL,
	"source" "reading_source" DEFAULT 'manual' NOT NULL,
	"out_of_range" boolean NOT NULL,
	"recorded_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "temperature_readings_warehouse_read_at_key" UNIQUE("warehouse_id","read_at"),
	CONSTRAINT "temperature_readings_temperature_c_range" CHECK ("temperature_readings"."temperature_c" BETWEEN -50 AND 80)
);
--> statement-breakpoint
CREATE TABLE "warehouses" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "warehouses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"union_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	"cooperative_id" integer NOT NULL,
	"code" varchar(32) NOT NULL,
	"name" varchar(80) NOT NULL,
	"kind" "warehouse_kind" NOT NULL,
	"temperature_zone" "temperature_zone" NOT NULL,
	"capacity_kg" numeric(12, 2) NOT NULL,
	"stock_kg" numeric(14, 2) DEFAULT '0' NOT NULL,
	"last_temperature_c" numeric(5, 2),
	"last_reading_at" timestamp with time zone,
	"last_reading_out_of_range" boolean,
	"notes" varchar(500),
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouses_union_code_key" UNIQUE("union_id","code"),
	CONSTRAINT "warehouses_union_id_id_key" UNIQUE("union_id","id"),
	CONSTRAINT "warehouses_capacity_positive" CHECK ("warehouses"."capacity_kg" > 0),
	CONSTRAINT "warehouses_stock_within_capacity" CHECK ("warehouses"."stock_kg" >= 0 AND "warehouses"."stock_kg" <= "warehouses"."capacity_kg"),
	CONSTRAINT "warehouses_temperature_zone_kind" CHECK (("warehouses"."kind" = 'cold_room') = ("warehouses"."temperature_zone" <> 'ambient')),
	CONSTRAINT "warehouses_processing_hall_empty" CHECK ("warehouses"."kind" <> 'processing_hall' OR "warehouses"."stock_kg" = 0)
);
--> statement-breakpoint
ALTER TABLE "crops" ADD CONSTRAINT "crops_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "harvest_lots" ADD CONSTRAINT "harvest_lots_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "harvest_lots" ADD CONSTRAINT "harvest_lots_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "harvest_lots" ADD CONSTRAINT "harvest_lots_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "harvest_lots" ADD CONSTRAINT "harvest_lots_planting_fk" FOREIGN KEY ("village_id","planting_id") REFERENCES "public"."plantings"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "harvest_lots" ADD CONSTRAINT "harvest_lots_plot_fk" FOREIGN KEY ("village_id","plot_id") REFERENCES "public"."plots"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "harvest_lots" ADD CONSTRAINT "harvest_lots_household_fk" FOREIGN KEY ("village_id","household_id") REFERENCES "public"."households"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "harvest_lots" ADD CONSTRAINT "harvest_lots_crop_fk" FOREIGN KEY ("union_id","crop_id") REFERENCES "public"."crops"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "input_applications" ADD CONSTRAINT "input_applications_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "input_applications" ADD CONSTRAINT "input_applications_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "input_applications" ADD CONSTRAINT "input_applications_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "input_applications" ADD CONSTRAINT "input_applications_planting_fk" FOREIGN KEY ("village_id","planting_id") REFERENCES "public"."plantings"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "input_applications" ADD CONSTRAINT "input_applications_corrects_fk" FOREIGN KEY ("corrects_id") REFERENCES "public"."input_applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "input_applications" ADD CONSTRAINT "input_applications_corrected_by_fk" FOREIGN KEY ("corrected_by_id") REFERENCES "public"."input_applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lot_sequences" ADD CONSTRAINT "lot_sequences_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plantings" ADD CONSTRAINT "plantings_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plantings" ADD CONSTRAINT "plantings_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plantings" ADD CONSTRAINT "plantings_plot_fk" FOREIGN KEY ("village_id","plot_id") REFERENCES "public"."plots"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plantings" ADD CONSTRAINT "plantings_household_fk" FOREIGN KEY ("village_id","household_id") REFERENCES "public"."households"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plantings" ADD CONSTRAINT "plantings_crop_fk" FOREIGN KEY ("union_id","crop_id") REFERENCES "public"."crops"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residue_tests" ADD CONSTRAINT "residue_tests_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residue_tests" ADD CONSTRAINT "residue_tests_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residue_tests" ADD CONSTRAINT "residue_tests_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residue_tests" ADD CONSTRAINT "residue_tests_lot_fk" FOREIGN KEY ("village_id","lot_id") REFERENCES "public"."harvest_lots"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_records" ADD CONSTRAINT "work_records_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_records" ADD CONSTRAINT "work_records_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_records" ADD CONSTRAINT "work_records_person_fk" FOREIGN KEY ("village_id","person_id") REFERENCES "public"."people"("village_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lot_parents" ADD CONSTRAINT "lot_parents_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lot_parents" ADD CONSTRAINT "lot_parents_child_lot_id_harvest_lots_id_fk" FOREIGN KEY ("child_lot_id") REFERENCES "public"."harvest_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lot_parents" ADD CONSTRAINT "lot_parents_parent_lot_id_harvest_lots_id_fk" FOREIGN KEY ("parent_lot_id") REFERENCES "public"."harvest_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lot_parents" ADD CONSTRAINT "lot_parents_processing_run_fk" FOREIGN KEY ("union_id","processing_run_id") REFERENCES "public"."processing_runs"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processing_runs" ADD CONSTRAINT "processing_runs_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processing_runs" ADD CONSTRAINT "processing_runs_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processing_runs" ADD CONSTRAINT "processing_runs_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processing_runs" ADD CONSTRAINT "processing_runs_warehouse_fk" FOREIGN KEY ("union_id","warehouse_id") REFERENCES "public"."warehouses"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processing_runs" ADD CONSTRAINT "processing_runs_crop_fk" FOREIGN KEY ("union_id","crop_id") REFERENCES "public"."crops"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock" ADD CONSTRAINT "stock_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock" ADD CONSTRAINT "stock_warehouse_fk" FOREIGN KEY ("union_id","warehouse_id") REFERENCES "public"."warehouses"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock" ADD CONSTRAINT "stock_lot_fk" FOREIGN KEY ("union_id","lot_id") REFERENCES "public"."harvest_lots"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_lot_fk" FOREIGN KEY ("union_id","lot_id") REFERENCES "public"."harvest_lots"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_from_warehouse_fk" FOREIGN KEY ("union_id","from_warehouse_id") REFERENCES "public"."warehouses"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_to_warehouse_fk" FOREIGN KEY ("union_id","to_warehouse_id") REFERENCES "public"."warehouses"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_processing_run_fk" FOREIGN KEY ("union_id","processing_run_id") REFERENCES "public"."processing_runs"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_reverses_fk" FOREIGN KEY ("reverses_id") REFERENCES "public"."stock_movements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "temperature_readings" ADD CONSTRAINT "temperature_readings_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "temperature_readings" ADD CONSTRAINT "temperature_readings_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "temperature_readings" ADD CONSTRAINT "temperature_readings_warehouse_fk" FOREIGN KEY ("union_id","warehouse_id") REFERENCES "public"."warehouses"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouses" ADD CONSTRAINT "warehouses_union_id_unions_id_fk" FOREIGN KEY ("union_id") REFERENCES "public"."unions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouses" ADD CONSTRAINT "warehouses_village_fk" FOREIGN KEY ("union_id","village_id") REFERENCES "public"."villages"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouses" ADD CONSTRAINT "warehouses_cooperative_fk" FOREIGN KEY ("union_id","cooperative_id") REFERENCES "public"."cooperatives"("union_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "harvest_lots_village_idx" ON "harvest_lots" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "harvest_lots_household_idx" ON "harvest_lots" USING btree ("union_id","household_id","id");--> statement-breakpoint
CREATE INDEX "harvest_lots_planting_idx" ON "harvest_lots" USING btree ("planting_id");--> statement-breakpoint
CREATE INDEX "harvest_lots_harvested_idx" ON "harvest_lots" USING btree ("union_id","harvested_on","id");--> statement-breakpoint
CREATE INDEX "harvest_lots_run_idx" ON "harvest_lots" USING btree ("processing_run_id");--> statement-breakpoint
CREATE INDEX "harvest_lots_code_trgm" ON "harvest_lots" USING gin ("code" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "input_applications_planting_idx" ON "input_applications" USING btree ("planting_id","applied_on");--> statement-breakpoint
CREATE INDEX "input_applications_village_idx" ON "input_applications" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "input_applications_household_idx" ON "input_applications" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "plantings_village_idx" ON "plantings" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "plantings_plot_idx" ON "plantings" USING btree ("plot_id","planted_on");--> statement-breakpoint
CREATE INDEX "plantings_household_idx" ON "plantings" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "plantings_union_planted_idx" ON "plantings" USING btree ("union_id","planted_on","id");--> statement-breakpoint
CREATE INDEX "plantings_crop_idx" ON "plantings" USING btree ("union_id","crop_id","id");--> statement-breakpoint
CREATE INDEX "residue_tests_lot_idx" ON "residue_tests" USING btree ("lot_id","tested_on","id");--> statement-breakpoint
CREATE INDEX "residue_tests_village_idx" ON "residue_tests" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "work_records_village_idx" ON "work_records" USING btree ("union_id","village_id","worked_on","id");--> statement-breakpoint
CREATE INDEX "work_records_person_idx" ON "work_records" USING btree ("person_id","worked_on");--> statement-breakpoint
CREATE INDEX "work_records_household_idx" ON "work_records" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "lot_parents_parent_idx" ON "lot_parents" USING btree ("parent_lot_id");--> statement-breakpoint
CREATE INDEX "processing_runs_village_idx" ON "processing_runs" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "stock_warehouse_fefo_idx" ON "stock" USING btree ("union_id","warehouse_id","expires_on","id");--> statement-breakpoint
CREATE INDEX "stock_village_fefo_idx" ON "stock" USING btree ("union_id","village_id","expires_on","id");--> statement-breakpoint
CREATE INDEX "stock_union_fefo_idx" ON "stock" USING btree ("union_id","expires_on","id");--> statement-breakpoint
CREATE INDEX "stock_crop_fefo_idx" ON "stock" USING btree ("union_id","crop_id","expires_on","id");--> statement-breakpoint
CREATE INDEX "stock_movements_lot_idx" ON "stock_movements" USING btree ("lot_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_village_idx" ON "stock_movements" USING btree ("union_id","village_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_from_idx" ON "stock_movements" USING btree ("from_warehouse_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_to_idx" ON "stock_movements" USING btree ("to_warehouse_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_run_idx" ON "stock_movements" USING btree ("processing_run_id");--> statement-breakpoint
CREATE INDEX "temperature_readings_village_idx" ON "temperature_readings" USING btree ("union_id","village_id","read_at","id");--> statement-breakpoint
CREATE INDEX "warehouses_village_idx" ON "warehouses" USING btree ("union_id","village_id","id");
