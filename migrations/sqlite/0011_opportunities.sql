-- Opportunity stages, the rest of an opportunity, and price lists per subsidiary (SQLite dialect).

-- Stages (商机阶段) are configured by administrators: a name in both languages, the win probability
-- in basis points, the order on the board, and the outcome they stand for. Open stages are the
-- pipeline; a won or a lost stage closes the opportunity.
CREATE TABLE opportunity_stages (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    name_zh         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    probability_bp  INTEGER NOT NULL CHECK (probability_bp BETWEEN 0 AND 10000),
    position        INTEGER NOT NULL,
    outcome         TEXT    NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'won', 'lost'))
);
INSERT INTO opportunity_stages (code, name_zh, name_en, probability_bp, position, outcome) VALUES
    ('qualify', '初步接洽', 'Qualification', 1000, 1, 'open'),
    ('needs', '需求确认', 'Needs analysis', 3000, 2, 'open'),
    ('proposal', '方案报价', 'Proposal', 6000, 3, 'open'),
    ('negotiation', '商务谈判', 'Negotiation', 8000, 4, 'open'),
    ('won', '赢单', 'Won', 10000, 5, 'won'),
    ('lost', '输单', 'Lost', 0, 6, 'lost');

-- `stage` keeps the outcome (open, won, lost) that customers' open deal counts follow; `stage_id`
-- is where the opportunity stands. The expected close date is a calendar date (YYYY-MM-DD).
ALTER TABLE opportunities ADD COLUMN stage_id INTEGER REFERENCES opportunity_stages(id);
ALTER TABLE opportunities ADD COLUMN expected_close TEXT;
ALTER TABLE opportunities ADD COLUMN competitors TEXT NOT NULL DEFAULT '';
ALTER TABLE opportunities ADD COLUMN lost_reason TEXT NOT NULL DEFAULT '';
UPDATE opportunities SET stage_id = (SELECT s.id FROM opportunity_stages s
    WHERE s.code = CASE opportunities.stage WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' ELSE 'qualify' END);
CREATE INDEX opportunities_stage ON opportunities(stage_id, id);
CREATE INDEX opportunities_close ON opportunities(expected_close, unit_id);

-- The products an opportunity is about (from the lines its owner may sell).
CREATE TABLE opportunity_products (
    opportunity_id  INTEGER NOT NULL REFERENCES opportunities(id),
    product_id      INTEGER NOT NULL REFERENCES products(id),
    quantity        INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (opportunity_id, product_id)
);

-- Price lists per subsidiary: a unit's own price for a product, which applies to everyone at or
-- below that unit (the nearest unit up the tree that has one wins); otherwise the list price.
CREATE TABLE product_prices (
    product_id        INTEGER NOT NULL REFERENCES products(id),
    unit_id           INTEGER NOT NULL REFERENCES org_units(id),
    unit_price_minor  INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    updated_by        INTEGER,
    PRIMARY KEY (product_id, unit_id)
);
