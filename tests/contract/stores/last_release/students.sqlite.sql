-- students.sqlite3 as the last release before Alembic created it (schema version 1).
CREATE TABLE IF NOT EXISTS students (
    student_id TEXT PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    grade      TEXT NOT NULL,
    rt_user    TEXT NOT NULL,
    user_id    INTEGER,
    user_name  TEXT NOT NULL
);
PRAGMA user_version = 1;
