-- A compliance certificate is kept as issued (at least 2 years) and never changed: a
-- correction is a new certificate that supersedes it. The one change allowed is marking it
-- superseded, once.
CREATE FUNCTION certificates_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.superseded_by_id IS NULL AND NEW.superseded_by_id IS NOT NULL
     AND (to_jsonb(NEW) - 'superseded_by_id') = (to_jsonb(OLD) - 'superseded_by_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'certificates are kept as issued: % is not allowed (issue one that supersedes it)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER certificates_kept BEFORE UPDATE OR DELETE ON certificates FOR EACH ROW EXECUTE FUNCTION certificates_guard();--> statement-breakpoint
CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates FOR EACH STATEMENT EXECUTE FUNCTION refuse_record_change();
