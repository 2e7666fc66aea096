-- Customers list, issue and revoke their own keys: find a customer's keys without reading every key.
CREATE INDEX api_keys_customer_idx ON api_keys (customer_id, created_at DESC) WHERE customer_id IS NOT NULL;
