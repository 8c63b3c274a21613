-- A processed lot names the run that made it (the two tables are in different schema files).
ALTER TABLE harvest_lots ADD CONSTRAINT harvest_lots_processing_run_fk
  FOREIGN KEY (union_id, processing_run_id) REFERENCES processing_runs (union_id, id);--> statement-breakpoint

-- Food-safety and stock records are kept as written (at least 2 years, never falsified):
-- a correction is a new record. The API offers no edit or delete; these triggers refuse
-- them to anyone with database rights too.
CREATE FUNCTION refuse_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER residue_tests_append_only BEFORE UPDATE OR DELETE ON residue_tests FOR EACH ROW EXECUTE FUNCTION refuse_record_change();--> statement-breakpoint
CREATE TRIGGER residue_tests_no_truncate BEFORE TRUNCATE ON residue_tests FOR EACH STATEMENT EXECUTE FUNCTION refuse_record_change();--> statement-breakpoint
CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements FOR EACH ROW EXECUTE FUNCTION refuse_record_change();--> statement-breakpoint
CREATE TRIGGER stock_movements_no_truncate BEFORE TRUNCATE ON stock_movements FOR EACH STATEMENT EXECUTE FUNCTION refuse_record_change();--> statement-breakpoint
CREATE TRIGGER temperature_readings_append_only BEFORE UPDATE OR DELETE ON temperature_readings FOR EACH ROW EXECUTE FUNCTION refuse_record_change();--> statement-breakpoint
CREATE TRIGGER processing_runs_append_only BEFORE UPDATE OR DELETE ON processing_runs FOR EACH ROW EXECUTE FUNCTION refuse_record_change();--> statement-breakpoint
CREATE TRIGGER lot_parents_append_only BEFORE UPDATE OR DELETE ON lot_parents FOR EACH ROW EXECUTE FUNCTION refuse_record_change();--> statement-breakpoint

-- An input application changes once: its correction marks it corrected; nothing else moves.
CREATE FUNCTION input_applications_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.corrected_by_id IS NULL AND NEW.corrected_by_id IS NOT NULL
     AND (to_jsonb(NEW) - 'corrected_by_id') = (to_jsonb(OLD) - 'corrected_by_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'input_applications are kept as written: % is not allowed (record a correction)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER input_applications_append_only BEFORE UPDATE OR DELETE ON input_applications FOR EACH ROW EXECUTE FUNCTION input_applications_guard();--> statement-breakpoint
CREATE TRIGGER input_applications_no_truncate BEFORE TRUNCATE ON input_applications FOR EACH STATEMENT EXECUTE FUNCTION refuse_record_change();--> statement-breakpoint

-- A harvest lot's recorded facts (what, whose, when, how much, at what price) never change;
-- only what is derived from later records does (received into storage, latest residue test).
CREATE FUNCTION harvest_lots_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  derived text[] := ARRAY['received_kg', 'residue_status', 'latest_test_id', 'updated_at', 'intake_amount'];
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - derived) = (to_jsonb(OLD) - derived) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'harvest_lots are kept as recorded: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER harvest_lots_append_only BEFORE UPDATE OR DELETE ON harvest_lots FOR EACH ROW EXECUTE FUNCTION harvest_lots_guard();--> statement-breakpoint
CREATE TRIGGER harvest_lots_no_truncate BEFORE TRUNCATE ON harvest_lots FOR EACH STATEMENT EXECUTE FUNCTION refuse_record_change();
