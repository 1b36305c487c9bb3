package dev.coedit.storage;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * The schema, as Flyway Java migrations handed to Flyway as objects ({@code javaMigrations}), with no location to
 * scan: nothing depends on how a container lays out its class path (JBoss VFS in WildFly, nested jars in a standalone
 * jar, an exploded WAR in Payara). The same SQL runs on H2 and PostgreSQL: only types and syntax both understand
 * ({@code VARCHAR} without a length is unbounded in both; unquoted names, which H2 folds to upper case and PostgreSQL
 * to lower case, the same for every query here).
 *
 * <p>Law: a migration, once released, never changes; a change to the schema is a new class added to {@link #all()}.
 */
final class Migrations {

    private Migrations() {
    }

    static JavaMigration[] all() {
        return new JavaMigration[] {new V1__Documents_ops_snapshots_access(), new V2__Checkpoints_instead_of_heads()};
    }

    /** Runs each statement in turn, inside the migration's transaction. */
    private abstract static class Sql extends BaseJavaMigration {
        abstract String[] statements();

        @Override
        public void migrate(Context context) throws Exception {
            try (Statement s = context.getConnection().createStatement()) {
                for (String sql : statements()) {
                    s.execute(sql);
                }
            }
        }
    }

    /**
     * The first schema. {@code documents.head_version} is the last stored version (0: none yet); it and the ops, the
     * client seqs and the access rules of one batch are written in one transaction. Snapshots are redundant: any of
     * them can be rebuilt from the ops.
     */
    static final class V1__Documents_ops_snapshots_access extends Sql {
        @Override
        String[] statements() {
            return new String[] {
                """
                CREATE TABLE documents (
                  id VARCHAR(200) NOT NULL PRIMARY KEY,
                  created TIMESTAMP WITH TIME ZONE NOT NULL,
                  head_version BIGINT NOT NULL
                )""",
                """
                CREATE TABLE ops (
                  document_id VARCHAR(200) NOT NULL REFERENCES documents (id),
                  version BIGINT NOT NULL,
                  op VARCHAR NOT NULL,
                  client_id VARCHAR(200) NOT NULL,
                  seq BIGINT NOT NULL,
                  author VARCHAR(200) NOT NULL,
                  committed_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  inserted INTEGER NOT NULL,
                  deleted INTEGER NOT NULL,
                  PRIMARY KEY (document_id, version)
                )""",
                """
                CREATE TABLE snapshots (
                  document_id VARCHAR(200) NOT NULL REFERENCES documents (id),
                  version BIGINT NOT NULL,
                  text VARCHAR NOT NULL,
                  PRIMARY KEY (document_id, version)
                )""",
                """
                CREATE TABLE client_seqs (
                  document_id VARCHAR(200) NOT NULL REFERENCES documents (id),
                  client_id VARCHAR(200) NOT NULL,
                  last_seq BIGINT NOT NULL,
                  version BIGINT NOT NULL,
                  PRIMARY KEY (document_id, client_id)
                )""",
                """
                CREATE TABLE access_rules (
                  document_id VARCHAR(200) NOT NULL REFERENCES documents (id),
                  user_id VARCHAR(200) NOT NULL,
                  role VARCHAR(10) NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
                  PRIMARY KEY (document_id, user_id)
                )"""
            };
        }
    }

    /**
     * A commit writes only its ops (the benchmark found the per-commit update of {@code documents.head_version} and
     * {@code client_seqs} to be a third of the writer's time on H2, whose copy-on-write pages make every leaf a
     * commit touches cost a page write). The head is now the newest op's version. What the commit no longer writes
     * is written with each snapshot, in the snapshot's transaction: {@code documents.checkpoint_version} (the newest
     * snapshot's version: ops up to it are known to be stored, so a lost tail is still found on load) and each
     * client's last seq among the ops up to it. A load adds what the ops after the snapshot say. Rows written by V1
     * (heads and seqs at the head) stay valid: they only say more.
     */
    static final class V2__Checkpoints_instead_of_heads extends Sql {
        @Override
        String[] statements() {
            return new String[] {
                "ALTER TABLE documents ADD COLUMN checkpoint_version BIGINT DEFAULT 0 NOT NULL",
                "UPDATE documents SET checkpoint_version = head_version",
                "ALTER TABLE documents DROP COLUMN head_version"
            };
        }
    }
}
