-- Campaigns (市场活动): a channel and a cost; leads may name the campaign they came from.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    cost_minor  INTEGER  NOT NULL DEFAULT 0,
    currency    TEXT    NOT NULL DEFAULT 'CNY',
    unit_id     INTEGER  NOT NULL REFERENCES org_units(id),
    starts_on   TEXT,
    ends_on     TEXT,
    created_at  INTEGER  NOT NULL,
    updated_at  INTEGER  NOT NULL,
    created_by  INTEGER
);
ALTER TABLE leads ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id);
CREATE INDEX leads_campaign ON leads(campaign_id);
