-- Every change that can make an API node's cached copy of a key wrong is announced on cw_api_key_revoked by the
-- database itself, in the changing transaction: a revocation (by the API or a SQL UPDATE), a deletion, or any change of
-- what a node caches (role, customer, name, hash, id). NOTIFY is delivered if and when that transaction commits, so a
-- change cannot commit without its announcement, whoever made it. The payload is the key's id; TRUNCATE announces an
-- empty payload, which makes every node forget every key. (Api/Security/ApiKeyRevocationListener evicts on it.)
-- The triggers fire ALWAYS, also under session_replication_role = replica (replication apply, a restore, a DBA
-- repairing rows with ordinary triggers off); only ALTER TABLE … DISABLE TRIGGER silences them.
CREATE FUNCTION api_keys_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('cw_api_key_revoked', '');
    ELSE
        PERFORM pg_notify('cw_api_key_revoked', OLD.id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_announce_update AFTER UPDATE ON api_keys FOR EACH ROW
    WHEN ((OLD.id, OLD.revoked_at, OLD.role, OLD.customer_id, OLD.name, OLD.key_hash)
          IS DISTINCT FROM (NEW.id, NEW.revoked_at, NEW.role, NEW.customer_id, NEW.name, NEW.key_hash))
    EXECUTE FUNCTION api_keys_announce_change();
CREATE TRIGGER api_keys_announce_delete AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION api_keys_announce_change();
CREATE TRIGGER api_keys_announce_truncate AFTER TRUNCATE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION api_keys_announce_change();
ALTER TABLE api_keys ENABLE ALWAYS TRIGGER api_keys_announce_update;
ALTER TABLE api_keys ENABLE ALWAYS TRIGGER api_keys_announce_delete;
ALTER TABLE api_keys ENABLE ALWAYS TRIGGER api_keys_announce_truncate;
