-- Dashboards rolled up along the org tree: targets per unit and person per month, the group's
-- display time zone, and indexes that find the records of a period without reading whole tables.

-- What a unit (user_id 0) or a person in it should sign in a month ("YYYY-MM"), in a currency.
CREATE TABLE report_targets (
    unit_id       BIGINT  NOT NULL REFERENCES org_units(id),
    user_id       BIGINT  NOT NULL DEFAULT 0,
    month         TEXT    NOT NULL,
    currency      TEXT    NOT NULL,
    amount_minor  BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    updated_by    BIGINT,
    PRIMARY KEY (unit_id, user_id, month, currency)
);

-- Settings of the whole group (key, integer value). Periods (a month, a quarter) start at
-- midnight in the group's display time zone, kept as minutes east of UTC (China: 480, no DST).
CREATE TABLE group_settings (
    key    TEXT    PRIMARY KEY,
    value  BIGINT  NOT NULL
);
INSERT INTO group_settings (key, value) VALUES ('display_utc_offset_min', 480);

CREATE INDEX customers_created ON customers(created_at);
CREATE INDEX leads_created ON leads(created_at);
CREATE INDEX follow_ups_created ON follow_ups(created_at);
CREATE INDEX lead_follow_ups_created ON lead_follow_ups(created_at);
CREATE INDEX contracts_signed ON contracts(signed_at);
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX receipts_received ON receipts(received_at);
CREATE INDEX pool_claims_at ON pool_claims(at);
CREATE INDEX customer_history_kind ON customer_history(kind, at);
