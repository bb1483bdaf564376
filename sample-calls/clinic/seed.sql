-- Riverside Clinic demo data. The reference date is Monday 2026-03-02.
CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL
);
CREATE TABLE slots (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    time TEXT NOT NULL,
    patient_id INTEGER REFERENCES patients(id),
    UNIQUE (date, time)
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    day TEXT NOT NULL
);
CREATE TABLE hours (
    position INTEGER PRIMARY KEY,
    summary TEXT NOT NULL
);

INSERT INTO patients (id, first_name, last_name, date_of_birth) VALUES
    (1, 'John', 'Smith', '1980-03-04'),
    (2, 'Maria', 'Garcia', '1975-11-21'),
    (3, 'Wei', 'Chen', '1990-07-15'),
    (4, 'Aisha', 'Khan', '1985-01-30'),
    (5, 'Tom', 'Baker', '1962-09-09');

INSERT INTO slots (id, date, time, patient_id) VALUES
    (1, '2026-03-03', '09:00', NULL),
    (2, '2026-03-03', '10:30', 3),
    (3, '2026-03-03', '14:00', NULL),
    (4, '2026-03-03', '15:30', NULL),
    (5, '2026-03-04', '09:00', 2),
    (6, '2026-03-04', '10:30', NULL),
    (7, '2026-03-04', '14:00', NULL),
    (8, '2026-03-04', '15:30', NULL),
    (9, '2026-03-05', '09:00', NULL),
    (10, '2026-03-05', '10:30', 1),
    (11, '2026-03-05', '14:00', NULL),
    (12, '2026-03-05', '15:30', NULL),
    (13, '2026-03-06', '09:00', 4),
    (14, '2026-03-06', '10:30', 5),
    (15, '2026-03-06', '14:00', NULL),
    (16, '2026-03-06', '15:30', NULL);

INSERT INTO hours (position, summary) VALUES
    (1, 'Monday to Friday from 8 am to 6 pm'),
    (2, 'Saturday from 9 am to noon'),
    (3, 'closed on Sunday');
