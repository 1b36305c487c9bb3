package dev.coedit.storage;

import dev.coedit.CoeditConfig;
import dev.coedit.StorageConfig;
import dev.coedit.editing.control.Journal;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * The document storage of a deployment in Payara or WildFly: the container's DataSource under the JNDI name of the
 * {@code datasource} setting, or else the first of {@link StorageConfig#CONTAINER_DATASOURCES} that exists, or else
 * (none configured) an embedded H2 database in the data folder. CDI makes one per application and gives its
 * {@link Journal} to the registry; server-config/ shows how to configure the DataSource.
 */
@ApplicationScoped
public class ContainerStorage {

    private static final Logger LOG = Logger.getLogger(ContainerStorage.class.getName());

    private DocumentStore store;
    private Journal journal;

    @PostConstruct
    void open() {
        CoeditConfig config = CoeditConfig.forContainer(ContainerStorage.class.getClassLoader());
        StorageConfig storage = config.storage();
        DocumentStore.Builder builder = DocumentStore.builder().snapshotEvery(storage.snapshotEvery())
                .syncEveryCommit(storage.fsync());
        List<String> names = storage.dataSource() != null ? List.of(storage.dataSource())
                : StorageConfig.CONTAINER_DATASOURCES;
        List<String> tried = new ArrayList<>();
        Found found = lookUp(names, tried);
        if (found != null) {
            builder.dataSource(found.dataSource(), found.name());
        } else if (storage.dataSource() != null) {
            throw new StorageException(StorageException.Reason.UNAVAILABLE, "the DataSource " + storage.dataSource()
                    + " named by the datasource setting is not in JNDI");
        } else if (storage.dbUrl() != null) {
            builder.jdbcUrl(storage.dbUrl(), storage.dbUser(), storage.dbPassword());
        } else {
            builder.dataFolder(config.dataDir());
        }
        store = builder.open();
        journal = new StoreJournal(store);
        String where = store.databaseName() + (found == null ? " (no DataSource at " + tried + ")" : "");
        LOG.info(() -> "Coedit documents in " + where);
    }

    /** A DataSource and the JNDI name it was found under. */
    record Found(String name, DataSource dataSource) {
    }

    /**
     * The first of {@code names} that is a DataSource in JNDI, or null; each name tried in vain goes to
     * {@code tried}, for the log. One naming context for all of them, closed at the end: an {@code InitialContext}
     * holds the container's naming resources until it is closed.
     */
    static Found lookUp(List<String> names, List<String> tried) {
        InitialContext context;
        try {
            context = new InitialContext();
        } catch (NamingException e) {
            tried.add(names + " (no naming context: " + StorageException.firstLine(e) + ")");
            return null;
        }
        try {
            for (String name : names) {
                try {
                    Object o = context.lookup(name);
                    if (o instanceof DataSource ds) {
                        return new Found(name, ds);
                    }
                    tried.add(name + " (not a DataSource)");
                } catch (NamingException e) {
                    tried.add(name);
                }
            }
            return null;
        } finally {
            try {
                context.close();
            } catch (NamingException e) {
                LOG.fine(() -> "closing the naming context failed: " + e);
            }
        }
    }

    /**
     * Opens the store when the application starts, on the container's own thread: a lookup of an application-scoped
     * JNDI name ({@code java:app/...}) fails on threads the container does not manage, such as the rooms' workers
     * (WildFly). An unreachable database then fails the deployment, in the log, rather than the first edit.
     */
    void openAtStart(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.fine(() -> "storage ready: " + store.databaseName());
    }

    /**
     * Where the documents are kept, as the log names it: {@code data source NAME} (the JNDI name it was found under)
     * or {@code data folder PATH} (embedded H2).
     */
    public String databaseName() {
        return store.databaseName();
    }

    @Produces
    @ApplicationScoped
    Journal journal() {
        return journal;
    }

    @PreDestroy
    void close() {
        if (store != null) {
            store.close();
        }
    }
}
