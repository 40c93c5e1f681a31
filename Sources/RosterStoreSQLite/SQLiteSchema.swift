import Foundation
import GRDB
import Logging
import RosterCore
import RosterEngine

/// The schema, as GRDB migrations: each step runs once per database file, in order.
enum SQLiteSchema {
    /// The unique indexes that guarantee one user per email and per extension. They are dropped
    /// while an empty table is bulk-loaded inside one transaction and built again before commit.
    ///
    /// Identity is unique through `email_key`, the email as Swift's `lowercased()` writes it
    /// (``EmailKey``; SQLite's own `lower()` folds ASCII only): two emails are one user exactly
    /// when their keys are equal. `email_hash` is kept with each user but is not unique: two
    /// emails may share a hash and are still two users.
    static let uniqueIndexes = """
        CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users(email_key);
        CREATE UNIQUE INDEX IF NOT EXISTS users_extension ON users(extension) WHERE extension IS NOT NULL;
        """
    static let dropUniqueIndexes = "DROP INDEX users_email_key; DROP INDEX users_extension;"

    /// Applies the migrations `database` lacks. Two processes opening a new or older file at the
    /// same moment may both start the same migration: each migration is one transaction, so the
    /// loser's rolls back, and it tries again from what the winner committed.
    static func migrate(_ database: any DatabaseWriter, logger: Logger) throws {
        var attempt = 1
        while true {
            do {
                return try migrator.migrate(database)
            } catch let error as DatabaseError where attempt < 20 && Self.raceCodes.contains(error.resultCode) {
                logger.debug("another process is migrating the store; trying again", metadata: ["error": "\(error.resultCode)"])
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    /// What a migration that another process applied first fails with: its table or column already
    /// exists, its identifier is already recorded, or the file is busy.
    private static let raceCodes: [ResultCode] = [.SQLITE_ERROR, .SQLITE_CONSTRAINT, .SQLITE_BUSY]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: users, runs, run failures") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY,
                    first_name TEXT NOT NULL,
                    last_name TEXT NOT NULL,
                    license TEXT NOT NULL,
                    extension TEXT,
                    email TEXT NOT NULL,
                    role TEXT NOT NULL,
                    data_center TEXT NOT NULL,
                    attributes TEXT,
                    active INTEGER NOT NULL DEFAULT 1,
                    email_hash INTEGER NOT NULL,
                    content_hash INTEGER NOT NULL,
                    created_run INTEGER,
                    updated_run INTEGER
                );
                CREATE UNIQUE INDEX users_email_hash ON users(email_hash);
                CREATE UNIQUE INDEX users_extension ON users(extension) WHERE extension IS NOT NULL;
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    source TEXT NOT NULL,
                    trigger TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL,
                    rows INTEGER NOT NULL DEFAULT 0,
                    created INTEGER NOT NULL DEFAULT 0,
                    updated INTEGER NOT NULL DEFAULT 0,
                    unchanged INTEGER NOT NULL DEFAULT 0,
                    failed INTEGER NOT NULL DEFAULT 0,
                    deactivated INTEGER NOT NULL DEFAULT 0,
                    pulled INTEGER NOT NULL DEFAULT 0,
                    report_path TEXT,
                    message TEXT
                );
                CREATE TABLE run_failures (
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    row INTEGER NOT NULL,
                    cells TEXT NOT NULL,
                    errors TEXT NOT NULL,
                    external_id TEXT
                );
                CREATE INDEX run_failures_run ON run_failures(run_id, row);
                """)
        }
        migrator.registerMigration("v2: sync links and job state") { db in
            try db.execute(sql: """
                CREATE TABLE links (
                    job TEXT NOT NULL,
                    external_id TEXT NOT NULL,
                    email_hash INTEGER NOT NULL,
                    PRIMARY KEY (job, external_id)
                );
                CREATE INDEX links_user ON links(email_hash);
                CREATE TABLE job_state (job TEXT PRIMARY KEY, state TEXT NOT NULL);
                """)
        }
        migrator.registerMigration("v3: the process of a run") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN pid INTEGER")
        }
        migrator.registerMigration("v4: a mapped import's report columns") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN report_columns TEXT")
        }
        migrator.registerMigration("v5: identity by email key") { db in
            try migrateToEmailKeys(db)
        }
        migrator.registerMigration("v6: one running sync per job") { db in
            // Stores from before this rule may hold several running syncs of a job: keep the newest.
            try db.execute(sql: """
                UPDATE runs SET status = 'interrupted',
                    message = 'a later run of this job started while this one was recorded as running; nothing of this run was kept'
                WHERE kind = 'sync' AND status = 'running'
                  AND id NOT IN (SELECT MAX(id) FROM runs WHERE kind = 'sync' AND status = 'running' GROUP BY source);
                CREATE UNIQUE INDEX runs_one_running_sync ON runs(source) WHERE kind = 'sync' AND status = 'running';
                """)
        }
        migrator.registerMigration("v7: deactivation over time") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX runs_source_started ON runs(source, started_at);
                CREATE TABLE pending_deactivations (
                    job TEXT NOT NULL,
                    email_key TEXT NOT NULL,
                    since DATETIME NOT NULL,
                    PRIMARY KEY (job, email_key)
                );
                """)
        }
        migrator.registerMigration("v8: several instances on one store") { db in
            // Runs recorded as running before this step ran on this host: name it as their instance.
            try db.execute(
                sql: """
                    ALTER TABLE runs ADD COLUMN scheduled_for DATETIME;
                    ALTER TABLE runs ADD COLUMN instance TEXT;
                    ALTER TABLE runs ADD COLUMN heartbeat_at DATETIME;
                    CREATE UNIQUE INDEX runs_scheduled_time ON runs(source, scheduled_for) WHERE scheduled_for IS NOT NULL;
                    UPDATE runs SET instance = ? || ':' || pid WHERE status = 'running' AND pid IS NOT NULL;
                    """,
                arguments: [RunInstance.current.host])
        }
        return migrator
    }
}

extension SQLiteSchema {
    /// Adds `email_key` (each user's email, Swift-lower-cased, so written here rather than by
    /// SQLite's ASCII-only `lower()`), makes it the unique identity instead of `email_hash`, and
    /// points the sync links at it. Links whose user is gone pointed at nothing and are dropped.
    static func migrateToEmailKeys(_ db: Database) throws {
        let emailKey = DatabaseFunction("rostersync_email_key", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map(EmailKey.of)
        }
        db.add(function: emailKey)
        defer { db.remove(function: emailKey) }
        try db.execute(sql: """
            ALTER TABLE users ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
            UPDATE users SET email_key = rostersync_email_key(email);
            DROP INDEX IF EXISTS users_email_hash;
            CREATE UNIQUE INDEX users_email_key ON users(email_key);
            CREATE TABLE links_by_key (
                job TEXT NOT NULL,
                external_id TEXT NOT NULL,
                email_key TEXT NOT NULL,
                PRIMARY KEY (job, external_id)
            );
            INSERT INTO links_by_key (job, external_id, email_key)
                SELECT links.job, links.external_id, users.email_key FROM links JOIN users ON users.email_hash = links.email_hash;
            DROP TABLE links;
            ALTER TABLE links_by_key RENAME TO links;
            CREATE INDEX links_user ON links(email_key);
            """)
    }
}
