package dev.coedit.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** The two back ends every storage test runs against. */
enum Backend {
    H2, POSTGRESQL;

    private static final AtomicInteger FOLDERS = new AtomicInteger();

    /** A new, empty database of this kind. */
    TestDb fresh() {
        return this == H2 ? TestDb.h2(newFolder("h2")) : TestDb.postgres(PostgresCluster.shared());
    }

    /** A new folder under target/ that does not exist yet. */
    static Path newFolder(String prefix) {
        Path dir = Path.of("target", "storage-tests", prefix + "-" + ProcessHandle.current().pid() + "-"
                + FOLDERS.incrementAndGet()).toAbsolutePath();
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return dir;
    }

    /** One database of a test: how to open a store on it, and raw JDBC access to look at or damage its tables. */
    record TestDb(Backend backend, Path folder, String url, DataSource dataSource) {

        static TestDb h2(Path folder) {
            org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
            ds.setURL(Database.h2Url(folder));
            ds.setUser("sa");
            ds.setPassword("");
            return new TestDb(H2, folder, Database.h2Url(folder), ds);
        }

        static TestDb postgres(PostgresCluster cluster) {
            String url = cluster.url(cluster.createDatabase());
            org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
            ds.setURL(url);
            ds.setUser("postgres");
            return new TestDb(POSTGRESQL, null, url, ds);
        }

        /** A store builder on this database, the way an operator would name it: a data folder or a URL. */
        DocumentStore.Builder builder() {
            DocumentStore.Builder b = DocumentStore.builder();
            return backend == H2 ? b.dataFolder(folder) : b.jdbcUrl(url, "postgres", null);
        }

        DocumentStore open() {
            return builder().open();
        }

        Connection connect() throws SQLException {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(true);
            return c;
        }

        /** Runs SQL statements on the database behind the store's back. */
        void execute(String... statements) {
            try (Connection c = connect(); var s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        /** The first column of every row of a query. */
        List<Long> longs(String query) {
            try (Connection c = connect(); var s = c.createStatement(); var r = s.executeQuery(query)) {
                List<Long> out = new java.util.ArrayList<>();
                while (r.next()) {
                    out.add(r.getLong(1));
                }
                return out;
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
