-- The ASP.NET Core Data Protection key ring (it encrypts the dashboard's login cookie and the antiforgery tokens),
-- shared by every node so a session opened on one node is honoured by the others behind a load balancer.
CREATE TABLE data_protection_keys (
    friendly_name  varchar(200) PRIMARY KEY,
    xml            text         NOT NULL,
    created_at     timestamptz  NOT NULL DEFAULT now()
);
