-- Every instance keeps a short cache of accounts and of small counts; these notifications,
-- sent at commit, tell every instance (LISTEN coop_changes) what to forget.
-- An account: only when something authentication reads changes (not a sign-in's stamp).
CREATE FUNCTION notify_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('coop_changes', 'account:' || COALESCE(NEW.id, OLD.id));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER users_notify_changed
  AFTER INSERT OR DELETE OR UPDATE OF union_id, username, display_name, role, cooperative_id, village_id, household_id, buyer_id, active, password_hash
  ON users FOR EACH ROW EXECUTE FUNCTION notify_account_changed();--> statement-breakpoint
-- Every write is audited in its own transaction: `write:<resource>` per resource written
-- (identical notifications of a transaction are sent once).
CREATE FUNCTION notify_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('coop_changes', 'write:' || NEW.resource);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER audit_log_notify_write AFTER INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION notify_write();
