-- Every instance keeps a short cache of accounts and of small counts; these notifications,
-- sent at commit, tell every instance (LISTEN coop_changes) what to forget.
CREATE FUNCTION notify_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('coop_changes', 'account:' || COALESCE(NEW.id, OLD.id));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER users_notify_changed AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_account_changed();--> statement-breakpoint
-- Every write is audited in its own transaction: one notification per writing transaction
-- (identical notifications of a transaction are sent once).
CREATE FUNCTION notify_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('coop_changes', 'write');
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER audit_log_notify_write AFTER INSERT ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION notify_write();
