-- What buyers may be offered now (supply_stock): free kilograms (held less allocated) of stock
-- whose lot's latest residue test passed, per crop, grade, expiry day and village. Every change
-- to a stock row, or to a lot's residue status, appends its difference to supply_stock_changes:
-- an insert, so no transaction waits on a shared row; a job folds the changes in.
CREATE FUNCTION supply_stock_free(s stock) RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN l.residue_status = 'pass' THEN s.quantity_kg - s.allocated_kg ELSE 0 END FROM harvest_lots l WHERE l.id = s.lot_id
$$;--> statement-breakpoint
CREATE FUNCTION supply_stock_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  before_kg numeric := 0;
  after_kg numeric := 0;
BEGIN
  IF TG_OP <> 'INSERT' THEN before_kg := coalesce(supply_stock_free(OLD), 0); END IF;
  IF TG_OP <> 'DELETE' THEN after_kg := coalesce(supply_stock_free(NEW), 0); END IF;
  IF TG_OP = 'UPDATE' AND (OLD.crop_id, OLD.grade, OLD.expires_on, OLD.village_id) IS DISTINCT FROM (NEW.crop_id, NEW.grade, NEW.expires_on, NEW.village_id) THEN
    INSERT INTO supply_stock_changes (union_id, crop_id, grade, expires_on, village_id, delta_kg)
    VALUES (OLD.union_id, OLD.crop_id, OLD.grade, OLD.expires_on, OLD.village_id, -before_kg);
    before_kg := 0;
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF before_kg <> 0 THEN
      INSERT INTO supply_stock_changes (union_id, crop_id, grade, expires_on, village_id, delta_kg)
      VALUES (OLD.union_id, OLD.crop_id, OLD.grade, OLD.expires_on, OLD.village_id, -before_kg);
    END IF;
  ELSIF after_kg - before_kg <> 0 THEN
    INSERT INTO supply_stock_changes (union_id, crop_id, grade, expires_on, village_id, delta_kg)
    VALUES (NEW.union_id, NEW.crop_id, NEW.grade, NEW.expires_on, NEW.village_id, after_kg - before_kg);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER stock_supply_track AFTER INSERT OR UPDATE OR DELETE ON stock FOR EACH ROW EXECUTE FUNCTION supply_stock_track();--> statement-breakpoint
-- A lot whose residue status starts or stops being "pass" moves its free stock in or out.
CREATE FUNCTION supply_stock_residue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign int := CASE WHEN NEW.residue_status = 'pass' THEN 1 ELSE -1 END;
BEGIN
  IF (OLD.residue_status = 'pass') = (NEW.residue_status = 'pass') THEN RETURN NULL; END IF;
  INSERT INTO supply_stock_changes (union_id, crop_id, grade, expires_on, village_id, delta_kg)
  SELECT s.union_id, s.crop_id, s.grade, s.expires_on, s.village_id, sign * (s.quantity_kg - s.allocated_kg)
  FROM stock s WHERE s.lot_id = NEW.id AND s.quantity_kg - s.allocated_kg <> 0;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER harvest_lots_supply_residue AFTER UPDATE OF residue_status ON harvest_lots FOR EACH ROW EXECUTE FUNCTION supply_stock_residue();--> statement-breakpoint
-- Stock already held when this migration runs.
INSERT INTO supply_stock (union_id, crop_id, grade, expires_on, village_id, free_kg)
SELECT s.union_id, s.crop_id, s.grade, s.expires_on, s.village_id, sum(s.quantity_kg - s.allocated_kg)
FROM stock s JOIN harvest_lots l ON l.id = s.lot_id AND l.residue_status = 'pass'
GROUP BY 1, 2, 3, 4, 5 HAVING sum(s.quantity_kg - s.allocated_kg) > 0;
