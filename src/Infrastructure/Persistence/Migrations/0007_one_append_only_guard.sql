-- Five tables (ledger, audit log, transfers, refunds, adjustments) are append-only. They each grew their own copy of
-- the same guard; one function now serves them all and names the table it protects.
CREATE FUNCTION forbid_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

DROP TRIGGER ledger_entries_immutable ON ledger_entries;
DROP TRIGGER audit_log_immutable ON audit_log;
DROP TRIGGER transfers_immutable ON transfers;
DROP TRIGGER refunds_immutable ON refunds;
DROP TRIGGER adjustments_immutable ON adjustments;

DROP FUNCTION ledger_entries_forbid_change();
DROP FUNCTION audit_log_forbid_change();
DROP FUNCTION transfers_forbid_change();
DROP FUNCTION refunds_forbid_change();
DROP FUNCTION adjustments_forbid_change();

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION forbid_row_change();
CREATE TRIGGER audit_log_append_only      BEFORE UPDATE OR DELETE ON audit_log      FOR EACH ROW EXECUTE FUNCTION forbid_row_change();
CREATE TRIGGER transfers_append_only      BEFORE UPDATE OR DELETE ON transfers      FOR EACH ROW EXECUTE FUNCTION forbid_row_change();
CREATE TRIGGER refunds_append_only        BEFORE UPDATE OR DELETE ON refunds        FOR EACH ROW EXECUTE FUNCTION forbid_row_change();
CREATE TRIGGER adjustments_append_only    BEFORE UPDATE OR DELETE ON adjustments    FOR EACH ROW EXECUTE FUNCTION forbid_row_change();
