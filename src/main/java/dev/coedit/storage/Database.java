package dev.coedit.storage;

import dev.coedit.storage.StorageException.Reason;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Where the data lives and how to reach it: a {@link DataSource} (the container's, or one made here from a JDBC URL or
 * a data folder), a name for messages that never shows a password, and the few things that differ between H2 and
 * PostgreSQL. Thread-safe.
 */
final class Database {

    /** The H2 file of a data folder is {@code coedit.mv.db}. */
    static final String H2_NAME = "coedit";

    /**
     * H2 settings for durability. WRITE_DELAY=0: every commit writes its chunk to the file before it returns (the
     * default, 500 ms, only writes committed changes in the background, so a killed process loses up to that much).
     * DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook must not close the database under the writer; the store closes
     * it. No DB_CLOSE_DELAY: the writer's connection keeps the database open, closing it closes the database.
     * {@link #NO_COMPACTION_ON_CLOSE}: see there.
     */
    private static final String H2_SETTINGS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";

    /**
     * MAX_COMPACT_TIME=0: closing the database must not move its chunks. H2 2.3.232 compacts the file for up to
     * 200 ms on close by default, and that compaction can fail halfway (an assertion in
     * {@code RandomAccessStore.moveChunkInside} when assertions are on, as in WildFly under Arquillian) and leave a
     * file that no longer opens ("Double mark"); a clean shutdown must never cost the documents. Space freed while
     * running is still reused for new writes; the file just does not shrink on close.
     */
    static final String NO_COMPACTION_ON_CLOSE = ";MAX_COMPACT_TIME=0";

    /** Data folders open in this JVM: H2 would let a second store share the file and interleave its versions. */
    private static final Set<Path> OPEN_FOLDERS = ConcurrentHashMap.newKeySet();

    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

    private final DataSource dataSource;
    private final String name;
    private final Path folder;
    private volatile Boolean h2;

    private Database(DataSource dataSource, String name, Path folder) {
        this.dataSource = dataSource;
        this.name = name;
        this.folder = folder;
    }

    /** An embedded H2 file database {@code coedit.mv.db} in {@code folder}, created when missing. */
    static Database h2Folder(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new StorageException(Reason.UNWRITABLE, "data folder " + dir + " cannot be created: " + refusal(e),
                    e);
        }
        if (!Files.isWritable(dir)) {
            throw new StorageException(Reason.UNWRITABLE, "data folder " + dir + " is not writable");
        }
        // Root may write anywhere as far as access() knows, yet a file system can still refuse (/proc, a read-only
        // mount): only creating a file tells.
        Path probe = dir.resolve(".coedit-write-test");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new StorageException(Reason.UNWRITABLE, "data folder " + dir + " is not writable: no file can be"
                    + " created in it (" + refusal(e) + ")", e);
        }
        if (!OPEN_FOLDERS.add(dir)) {
            throw new StorageException(Reason.UNWRITABLE, "data folder " + dir + " is already open in this process");
        }
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL(h2Url(dir));
        ds.setUser("sa");
        ds.setPassword("");
        return new Database(ds, "data folder " + dir, dir);
    }

    /**
     * Why the file system refused, in words: NIO's exceptions mostly carry nothing but the path as their message, and
     * a message that repeats the folder's name says nothing.
     */
    private static String refusal(Exception e) {
        if (e instanceof FileAlreadyExistsException refused) {
            return refused.getFile() + " exists and is not a folder";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException refused && refused.getReason() != null) {
            return refused.getReason();
        }
        return StorageException.firstLine(e);
    }

    /** The JDBC URL of the H2 database of a data folder. */
    static String h2Url(Path folder) {
        return "jdbc:h2:file:" + folder.toAbsolutePath().normalize().resolve(H2_NAME) + H2_SETTINGS
                + NO_COMPACTION_ON_CLOSE;
    }

    /**
     * Whether an H2 URL opens a file in this process and does not choose its own {@code MAX_COMPACT_TIME}: not an
     * in-memory database, not one on an H2 server (its settings are the server's).
     */
    static boolean lacksCompactionSetting(String h2Url) {
        String rest = h2Url.substring("jdbc:h2:".length()).toLowerCase(java.util.Locale.ROOT);
        return !rest.startsWith("mem:") && !rest.startsWith("tcp:") && !rest.startsWith("ssl:")
                && !rest.contains("max_compact_time");
    }

    /** An operator's H2 URL with {@link #NO_COMPACTION_ON_CLOSE} added where {@link #lacksCompactionSetting}. */
    static String withoutCompactionOnClose(String h2Url) {
        if (!lacksCompactionSetting(h2Url)) {
            return h2Url;
        }
        return (h2Url.endsWith(";") ? h2Url.substring(0, h2Url.length() - 1) : h2Url) + NO_COMPACTION_ON_CLOSE;
    }

    /** A database named by a JDBC URL: {@code jdbc:h2:...} or {@code jdbc:postgresql:...}. */
    static Database url(String url, String user, String password) {
        String name = "database " + withoutPassword(url) + (user == null || user.isEmpty() ? "" : " (user " + user + ")");
        if (url.startsWith("jdbc:h2:")) {
            org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
            ds.setURL(withoutCompactionOnClose(url)); // connect() sets WRITE_DELAY 0 on every connection
            ds.setUser(user == null ? "sa" : user);
            ds.setPassword(password == null ? "" : password);
            return new Database(ds, name, null);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
            ds.setURL(url);
            if (user != null) {
                ds.setUser(user);
            }
            if (password != null) {
                ds.setPassword(password);
            }
            // A database host that hangs must not hang the writer for ever: it fails the batch and tries again.
            if (!url.contains("connectTimeout")) {
                ds.setConnectTimeout(5);
            }
            if (!url.contains("socketTimeout")) {
                ds.setSocketTimeout(120);
            }
            ds.setApplicationName("coedit");
            return new Database(ds, name, null);
        }
        throw new IllegalArgumentException("storage supports jdbc:h2: and jdbc:postgresql: URLs, not "
                + withoutPassword(url));
    }

    /** A container's data source; {@code name} (e.g. its JNDI name) appears in messages. */
    static Database dataSource(DataSource dataSource, String name) {
        return new Database(dataSource, "data source " + name, null);
    }

    static String withoutPassword(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
    }

    /** How messages name this database: the URL without password, the data folder, or the data source. */
    String name() {
        return name;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /**
     * A new connection with auto-commit off.
     *
     * @throws StorageException naming the database when it cannot be reached or opened
     */
    Connection connect() {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw classify(e, "cannot open " + name);
        } catch (RuntimeException e) {
            // H2 reports some file problems (a file that is not a database) as unchecked MVStoreExceptions.
            throw new StorageException(Reason.CORRUPT, "cannot open " + name + ": " + StorageException.firstLine(e), e);
        }
        try {
            if (isH2(c)) {
                // Whatever the URL says: a commit must be in the file when it returns (see H2_SETTINGS). With
                // auto-commit on: an uncommitted SET holds H2's lock on its system table and blocks all DDL.
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("SET WRITE_DELAY 0");
                }
            }
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw classify(e, "cannot open " + name);
        }
    }

    boolean isH2(Connection c) throws SQLException {
        Boolean known = h2;
        if (known == null) {
            known = c.getMetaData().getDatabaseProductName().toUpperCase().contains("H2");
            h2 = known;
        }
        return known;
    }

    /** Creates or updates the schema; see {@link Migrations}. */
    void migrate() {
        try {
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(dataSource)
                    .table("coedit_schema_history")
                    .locations(new String[0])
                    .javaMigrations(Migrations.all())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            SQLException sql = sqlCause(e);
            if (sql != null) {
                throw classify(sql, "cannot migrate the schema of " + name);
            }
            throw new StorageException(Reason.FAILED, "cannot migrate the schema of " + name + ": "
                    + StorageException.firstLine(e), e);
        }
    }

    /** Lets the data folder be opened again in this process. */
    void release() {
        if (folder != null) {
            OPEN_FOLDERS.remove(folder);
        }
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /**
     * Turns a driver's exception into a one-line storage exception: unreachable (connection-class SQL states, I/O),
     * in use or unwritable (H2), corrupt (H2 file errors), or failed.
     */
    StorageException classify(SQLException thrown, String what) {
        // A failed JDBC batch (PostgreSQL: "Batch entry 0 INSERT ... was aborted") quotes the statement with its
        // values, document text included; the cause is the next exception.
        SQLException e = thrown;
        while (e instanceof java.sql.BatchUpdateException && e.getNextException() != null) {
            e = e.getNextException();
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        String detail = StorageException.firstLine(e);
        if (h2Code(e, 90020)) { // DATABASE_ALREADY_OPEN_1
            return new StorageException(Reason.UNWRITABLE, what + ": it is in use by another process (" + detail + ")", e);
        }
        if (h2Code(e, 90030) || h2Code(e, 90048) || h2Code(e, 90049) || h2Code(e, 90050)) {
            // FILE_CORRUPTED_1, FILE_VERSION_ERROR_1, FILE_ENCRYPTION_ERROR_1, WRONG_PASSWORD_FORMAT
            return new StorageException(Reason.CORRUPT, what + ": the file is not an H2 database or is damaged ("
                    + detail + ")", e);
        }
        if (h2Code(e, 90097) || h2Code(e, 90028) || h2Code(e, 90062)) {
            // DATABASE_IS_READ_ONLY, IO_EXCEPTION_1, FILE_CREATION_FAILED_1
            return new StorageException(Reason.UNWRITABLE, what + ": cannot write (" + detail + ")", e);
        }
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || h2Code(e, 90067) || h2Code(e, 90098) || h2Code(e, 90121) || h2Code(e, 90007)) {
            // connection exceptions; PostgreSQL shutting down; H2: connection broken, database closed, object closed
            return new StorageException(Reason.UNAVAILABLE, what + ": unreachable (" + detail + ")", e);
        }
        return new StorageException(Reason.FAILED, what + ": " + detail + (state.isEmpty() ? "" : " [SQL state "
                + state + (code != 0 ? ", code " + code : "") + "]"), e);
    }

    private static boolean h2Code(SQLException e, int code) {
        return e.getErrorCode() == code && e.getClass().getName().startsWith("org.h2.");
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a broken connection; the failure that broke it is what gets reported
            }
        }
    }
}
