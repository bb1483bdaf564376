-- Parcel & Co. demo orders. The reference date is Monday 2026-03-02.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing', 'dispatched', 'delivered')),
    delivery_date TEXT NOT NULL,
    address TEXT NOT NULL,
    total REAL NOT NULL
);
CREATE TABLE returns (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL UNIQUE REFERENCES orders(id),
    amount REAL NOT NULL,
    created TEXT NOT NULL
);

INSERT INTO orders (id, customer, status, delivery_date, address, total) VALUES
    (10427, 'Jane Doe', 'processing', '2026-03-05', '12 Elm Street, Springfield', 59.90),
    (10428, 'Bob Lee', 'dispatched', '2026-03-03', '4 Oak Avenue, Springfield', 24.50),
    (10429, 'Ann Park', 'delivered', '2026-02-25', '9 Pine Road, Shelbyville', 89.00),
    (10430, 'Carl Diaz', 'delivered', '2026-02-27', '77 Birch Lane, Springfield', 249.99),
    (10431, 'Dana White', 'processing', '2026-03-06', '5 Cedar Court, Ogdenville', 15.00),
    (10432, 'Eve Stone', 'delivered', '2026-02-20', '18 Maple Drive, Springfield', 42.00);

INSERT INTO returns (id, order_id, amount, created) VALUES
    (1, 10432, 42.00, '2026-02-22');
