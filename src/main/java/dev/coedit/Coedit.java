package dev.coedit;

import dev.coedit.editing.boundary.CoeditConfigurator;
import dev.coedit.editing.boundary.DocumentEndpoint;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.monitoring.boundary.AdminEndpoint;
import dev.coedit.monitoring.boundary.LobbyEndpoint;
import dev.coedit.storage.DocumentStore;
import dev.coedit.storage.StoreJournal;
import java.util.List;

/**
 * The product's entry points for runtimes that deploy it by hand (the standalone Tyrus server, tests). In a Jakarta
 * EE container none of this is called: the container scans the annotated endpoints and CDI builds the registry.
 */
public final class Coedit {

    private Coedit() {
    }

    /** The annotated {@code @ServerEndpoint} classes of the product, deployed under {@link CoeditConfig#CONTEXT_PATH}. */
    public static List<Class<?>> endpoints() {
        return List.of(DocumentEndpoint.class, AdminEndpoint.class, LobbyEndpoint.class);
    }

    /**
     * Builds the application-scoped objects for a runtime without CDI and makes the endpoints use them.
     *
     * @return closing it ends every session (close code 1001) and stops the application's threads
     */
    public static Application startWithoutContainer(CoeditConfig config) {
        DocumentStore store = openStore(config);
        SessionRegistry registry;
        try {
            registry = new SessionRegistry(config, new StoreJournal(store), store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new Application(registry, CoeditConfigurator.install(registry), store.databaseName());
    }

    /**
     * The document database of a server without a container: the configured JDBC URL, or an embedded H2 database in
     * the data folder.
     *
     * @throws dev.coedit.storage.StorageException with a one-line message when it cannot be opened
     */
    public static DocumentStore openStore(CoeditConfig config) {
        StorageConfig storage = config.storage();
        DocumentStore.Builder builder = DocumentStore.builder().snapshotEvery(storage.snapshotEvery())
                .syncEveryCommit(storage.fsync());
        if (storage.dbUrl() != null) {
            builder.jdbcUrl(storage.dbUrl(), storage.dbUser(), storage.dbPassword());
        } else {
            builder.dataFolder(config.dataDir());
        }
        return builder.open();
    }

    /** The application-scoped objects of a runtime without CDI. */
    public static final class Application implements AutoCloseable {
        private final SessionRegistry registry;
        private final AutoCloseable installation;
        private final String storage;

        private Application(SessionRegistry registry, AutoCloseable installation, String storage) {
            this.registry = registry;
            this.installation = installation;
            this.storage = storage;
        }

        public SessionRegistry registry() {
            return registry;
        }

        /** Where the documents are kept: {@code data folder /srv/coedit/data}, {@code database jdbc:...}. */
        public String storage() {
            return storage;
        }

        @Override
        public void close() throws Exception {
            registry.shutdown();
            installation.close();
        }
    }
}
