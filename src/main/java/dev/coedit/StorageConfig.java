package dev.coedit;

import java.time.Duration;
import java.util.function.Function;

/**
 * Where documents are kept: the storage settings of {@link CoeditConfig}, read the same way ({@code coedit.x.y}
 * property, then {@code COEDIT_X_Y} environment variable). Without a database URL or DataSource, an embedded H2
 * database in the data folder.
 *
 * @param dbUrl          JDBC URL of the database, e.g. {@code jdbc:postgresql://db.example.com/coedit}; or null
 * @param dbUser         its user, or null
 * @param dbPassword     its password (from the environment, never a flag), or null
 * @param dataSource     JNDI name of a container DataSource, e.g. {@code jdbc/coedit}; or null for the defaults
 *                       looked up in a container ({@link #CONTAINER_DATASOURCES})
 * @param snapshotEvery  a snapshot of a document's text is stored every this many ops
 * @param evictAfter     a document nobody has been in for this long leaves memory (it is loaded again on demand)
 * @param fsync          H2: force every group commit to disk (survives power loss, not only a crash)
 */
public record StorageConfig(String dbUrl, String dbUser, String dbPassword, String dataSource, int snapshotEvery,
                            Duration evictAfter, boolean fsync) {

    /** The JNDI names a container deployment looks for when {@code datasource} is not set: Payara's, WildFly's. */
    public static final java.util.List<String> CONTAINER_DATASOURCES =
            java.util.List.of("jdbc/coedit", "java:jboss/datasources/coedit");

    public StorageConfig {
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException("snapshot.every must be at least 1 op, was " + snapshotEvery);
        }
        if (evictAfter.isNegative()) {
            throw new IllegalArgumentException("evict.after.ms must be 0 or more, was " + evictAfter.toMillis());
        }
    }

    public static StorageConfig defaults() {
        return new StorageConfig(null, null, null, null, 500, Duration.ofMinutes(1), true);
    }

    static StorageConfig from(Function<String, String> lookup) {
        StorageConfig d = defaults();
        String fsync = lookup.apply("db.fsync");
        if (fsync != null && !fsync.isBlank() && !fsync.trim().matches("true|false")) {
            throw new IllegalArgumentException("setting db.fsync must be true or false, was \"" + fsync + "\"");
        }
        return new StorageConfig(blank(lookup.apply("db.url")), blank(lookup.apply("db.user")),
                blank(lookup.apply("db.password")), blank(lookup.apply("datasource")),
                CoeditConfig.integer(lookup, "snapshot.every", d.snapshotEvery),
                Duration.ofMillis(CoeditConfig.integer(lookup, "evict.after.ms", (int) d.evictAfter.toMillis())),
                fsync == null || fsync.isBlank() ? d.fsync : Boolean.parseBoolean(fsync.trim()));
    }

    public StorageConfig withEvictAfter(Duration after) {
        return new StorageConfig(dbUrl, dbUser, dbPassword, dataSource, snapshotEvery, after, fsync);
    }

    /** Without the password, for logs. */
    @Override
    public String toString() {
        return dbUrl != null ? "database " + dbUrl : dataSource != null ? "DataSource " + dataSource : "embedded H2";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
