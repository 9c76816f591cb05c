-- Contacts of customers, and lookups for duplicate checks (SQLite dialect).
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    name         TEXT    NOT NULL,
    title        TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    email        TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    created_by   INTEGER
);
CREATE INDEX contacts_customer ON contacts(customer_id);
CREATE INDEX contacts_phone ON contacts(phone);
CREATE INDEX customers_name ON customers(name);
CREATE INDEX customers_phone ON customers(phone);
