-- Every admin action, append-only like the ledger.
CREATE TABLE audit_log (
    id                  uuid PRIMARY KEY,
    actor               varchar(200)  NOT NULL,
    action              varchar(64)   NOT NULL,
    target_type         varchar(32)   NOT NULL,
    target_id           uuid          NOT NULL,
    amount              numeric(19,2) NULL,
    currency            char(3)       NULL,
    reason              varchar(500)  NULL,
    before              text          NULL,
    after               text          NULL,
    request_id          varchar(100)  NULL,
    flagged_for_review  boolean       NOT NULL,
    created_at          timestamptz   NOT NULL
);

CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id);

CREATE FUNCTION audit_log_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_log_immutable
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_forbid_change();
