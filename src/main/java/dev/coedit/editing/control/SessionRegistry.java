package dev.coedit.editing.control;

import dev.coedit.CoeditConfig;
import dev.coedit.security.control.Security;
import dev.coedit.security.entity.Identity;
import dev.coedit.security.entity.Role;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's one registry of documents and connections. In a Jakarta EE container CDI makes it and injects it
 * into the endpoints; without a container {@link dev.coedit.Coedit#startWithoutContainer} makes it. Every connection
 * is registered on open and forgotten on every way out (close, error, idle timeout, shutdown).
 *
 * <p>Documents live in the {@link Journal} (the database); a document is loaded into a {@link Room} when someone
 * opens it and leaves memory once nobody has used it for a while.
 */
@ApplicationScoped
public class SessionRegistry {

    private static final Logger LOG = Logger.getLogger(SessionRegistry.class.getName());

    private CoeditConfig config;
    /** In a container, CDI gives the one the storage package produces from the configured DataSource. */
    @Inject
    Journal journal;
    /** Closed at shutdown, after the last connection: what is queued gets written. */
    private AutoCloseable journalResource;
    private Security security;
    private ExecutorService workers;
    /** Its queue holds the periodic tasks, the rate-limit closes and one expiry timer per connection with one. */
    private ScheduledThreadPoolExecutor timers;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final List<Consumer<Snapshot>> watchers = new CopyOnWriteArrayList<>();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    /** Set when the application stops: no connection is admitted after it. */
    private volatile boolean stopping;
    private long changesPublished = -1;

    /** What monitoring shows: every document and connection, and the totals. */
    public record Snapshot(List<Room.Stats> documents, List<Connection.Info> sessions, long connectionsOpened) {
    }

    /** For CDI; {@link #start()} runs after injection. */
    protected SessionRegistry() {
    }

    /**
     * Without a container: configured and started at once.
     *
     * @param journal where documents are kept, closed by {@link #shutdown()}
     */
    public SessionRegistry(CoeditConfig config, Journal journal, AutoCloseable journalResource) {
        this.config = config;
        this.journal = journal;
        this.journalResource = journalResource;
        start();
    }

    @PostConstruct
    void start() {
        if (config == null) {
            config = CoeditConfig.forContainer(SessionRegistry.class.getClassLoader());
        }
        if (journal == null) {
            throw new IllegalStateException("no Journal: CDI did not inject one and none was given");
        }
        security = new Security(config.security(), config.allowedOrigins(), Clock.systemUTC(),
                this::runOffContainerThread);
        Security.LOG.info(() -> "Coedit security: " + config.security());
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        workers = Executors.newFixedThreadPool(threads, named("coedit-worker"));
        timers = new ScheduledThreadPoolExecutor(1, named("coedit-timer"));
        // A cancelled timer leaves the queue at once, with the connection it refers to, not at its delay.
        timers.setRemoveOnCancelPolicy(true);
        long ping = config.pingInterval().toMillis();
        timers.scheduleWithFixedDelay(this::heartbeat, ping, ping, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::publish, 250, 250, TimeUnit.MILLISECONDS);
        long sweep = Math.max(1_000, config.storage().evictAfter().toMillis() / 4);
        timers.scheduleWithFixedDelay(this::evictIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    public CoeditConfig config() {
        return config;
    }

    /**
     * Runs work on the application's timer after a delay (dropped at shutdown).
     *
     * @return the scheduled work, to cancel; null when it was dropped
     */
    ScheduledFuture<?> later(Duration delay, Runnable work) {
        try {
            return timers.schedule(() -> runOffContainerThread(work), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            LOG.log(Level.FINE, "delayed work dropped at shutdown", shuttingDown);
            return null;
        }
    }

    /** Tasks waiting on the application's timer, periodic ones included (for tests: nothing outlives its use). */
    int pendingTimers() {
        return timers.getQueue().size();
    }

    /**
     * Runs work that may block (closing a socket) on the application's pool, never on the container's few WebSocket
     * threads; during shutdown, when the pool takes no more work, runs it on the caller's thread.
     */
    void runOffContainerThread(Runnable work) {
        try {
            workers.execute(work);
        } catch (RejectedExecutionException shuttingDown) {
            work.run();
        }
    }

    /**
     * Lets a new connection to a document in, creating the document on first use (its first user owns it), or
     * refuses it (see {@link Security#admit}).
     *
     * @param documentId already checked by the endpoint (see {@link DocumentIds})
     * @return the connection, or null when it was refused and is closing
     */
    public Connection open(Session session, String documentId) {
        if (stopping) {
            security.refuse(session, "docs/" + documentId, null, "shutdown", CloseReason.CloseCodes.GOING_AWAY,
                    "server shutting down");
            return null;
        }
        Security.Admission admission = security.admit(session, "docs/" + documentId, false);
        if (admission == null) {
            return null;
        }
        Identity who = admission.identity();
        // Attached inside compute: eviction (computeIfPresent) cannot drop a room between lookup and attach.
        Room room = rooms.compute(documentId, (id, existing) -> {
            Room r = existing != null ? existing : newRoom(id, who.user());
            r.attach();
            return r;
        });
        // No per-session idle timeout: the heartbeat (keepAlive) enforces it, since the server's own pings restart the
        // container's timer; and on Tyrus, setting it here races with the timer's first run, which then closes the
        // brand-new session as idle.
        session.setMaxTextMessageBufferSize(config.maxMessageBytes());
        Connection connection = new Connection(session, room, this, admission);
        // After the load (the room's first task): a user without access, or a document that cannot be loaded, is
        // refused before any message is answered.
        room.execute(() -> room.admit(connection));
        connections.put(connection.connectionId(), connection);
        opened.incrementAndGet();
        changes.incrementAndGet();
        if (stopping) { // the shutdown began meanwhile and may not have seen this one
            connection.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
            connection.closed();
            return null;
        }
        whenExpired(admission, () -> connection.close(CloseReason.CloseCodes.VIOLATED_POLICY.getCode(),
                expired(who)));
        return connection;
    }

    /**
     * A room that loads its document from the journal as its first task. If storage fails it, it is dropped from the
     * map and the next connection loads the document again; a corrupt document's room stays instead, refusing every
     * connection from memory, so the document is neither loaded nor reported again on each attempt.
     */
    private Room newRoom(String documentId, String creator) {
        return new Room(documentId, journal, config.historyWindow(), creator, config.security().defaultRole(),
                new SerialExecutor(workers), this::runOffContainerThread, this::touched, this::failed);
    }

    /** Told once by each room that fails, on its executor. */
    private void failed(Room room) {
        Room.Failure why = room.failure().orElseThrow(() -> new IllegalStateException("room "
                + room.documentId() + " reported a failure it does not have"));
        if (why.lasting()) {
            LOG.warning(() -> "document " + room.documentId() + " is refused (close " + why.closeCode() + ") until its"
                    + " stored data is repaired and the server restarted: " + why.reason());
            changes.incrementAndGet();
        } else if (rooms.remove(room.documentId(), room)) {
            LOG.warning(() -> "document " + room.documentId() + " left memory after a storage failure; it is loaded"
                    + " again on the next connection");
            changes.incrementAndGet();
        }
    }

    /** Drops documents nobody has used for {@code evict.after.ms}; they are loaded again when someone comes back. */
    private void evictIdle() {
        long now = System.nanoTime();
        Duration idle = config.storage().evictAfter();
        for (String id : rooms.keySet()) {
            rooms.computeIfPresent(id, (k, room) -> {
                if (room.evictable(now, idle)) {
                    changes.incrementAndGet();
                    return null;
                }
                return room;
            });
        }
    }

    /**
     * Lets a connection to a monitoring channel in, or refuses it.
     *
     * @param onExpiry closes it when the credential runs out
     * @return the admission (release it when the channel closes), or null when refused
     */
    public Security.Admission admitMonitor(Session session, String channel, boolean adminOnly, Runnable onExpiry) {
        Security.Admission admission = security.admit(session, channel, adminOnly);
        if (admission != null) {
            whenExpired(admission, onExpiry);
        }
        return admission;
    }

    /** What {@code who} may do in a document now; empty for no access, or for a document not in memory. */
    public Optional<Role> roleOf(String documentId, Identity who) {
        Room room = rooms.get(documentId);
        return room == null ? Optional.empty() : room.roleOf(who);
    }

    /** The reason of the close when a credential runs out during a session. */
    public static String expired(Identity who) {
        return "the token expired at " + who.expiresAt() + "; get a fresh token and reconnect";
    }

    /**
     * Closes the connection when its credential runs out. The timer holds the connection until then (a token may be
     * valid for hours), so a connection that ends earlier cancels it.
     */
    private void whenExpired(Security.Admission admission, Runnable close) {
        Identity who = admission.identity();
        if (who.expiresAt() != null) {
            Duration left = Duration.between(Instant.now(), who.expiresAt());
            ScheduledFuture<?> timer = later(left.isNegative() ? Duration.ZERO : left, () -> {
                Security.LOG.info(() -> "closing a connection of " + who + ": " + expired(who));
                close.run();
            });
            if (timer != null) {
                admission.whenReleased(() -> timer.cancel(false));
            }
        }
    }

    void forget(Connection connection) {
        if (connections.remove(connection.connectionId()) != null) {
            changes.incrementAndGet();
        }
    }

    /** Something visible to monitoring changed (an edit, a join). */
    void touched() {
        changes.incrementAndGet();
    }

    public int connectionCount() {
        return connections.size();
    }

    public Snapshot snapshot() {
        List<Room.Stats> documents = new ArrayList<>();
        for (Room room : rooms.values()) {
            documents.add(room.stats());
        }
        documents.sort(Comparator.comparing(Room.Stats::documentId));
        List<Connection.Info> sessions = new ArrayList<>();
        for (Connection c : connections.values()) {
            sessions.add(c.info());
        }
        sessions.sort(Comparator.comparing(Connection.Info::connectedAt));
        return new Snapshot(documents, sessions, opened.get());
    }

    /** Calls {@code watcher} with a fresh snapshot now and whenever something changes (at most 4 times a second). */
    public void watch(Consumer<Snapshot> watcher) {
        watchers.add(watcher);
        // On the timer, like every later update, so the two never cross; and not on the caller's thread, which is
        // @OnOpen's: in Payara that runs inside the servlet upgrade's init, where a frame written has been seen never
        // to leave (about 1 in 600 monitors got nothing while others came and went; none once sent from here).
        try {
            timers.execute(() -> watcher.accept(snapshot()));
        } catch (RejectedExecutionException shuttingDown) {
            LOG.log(Level.FINE, "no first snapshot at shutdown", shuttingDown);
        }
    }

    /** A connection refused in {@code @OnOpen} before its admission: its handshake still counts (see Security). */
    public void refusedAtOpen(Session session, CloseReason reason) {
        security.countRefusedHandshake(session);
        closeSoon(session, reason);
    }

    /**
     * Closes a session off the caller's thread: for a refusal in {@code @OnOpen}, which must not write there (see
     * {@link Security#Security}).
     */
    public void closeSoon(Session session, CloseReason reason) {
        runOffContainerThread(() -> {
            try {
                session.close(reason);
            } catch (IOException | IllegalStateException e) {
                LOG.log(Level.FINE, "closing a refused session failed", e);
            }
        });
    }

    public void unwatch(Consumer<Snapshot> watcher) {
        watchers.remove(watcher);
    }

    /** Closes every connection with 1001 and stops the application's threads. */
    @PreDestroy
    public void shutdown() {
        // New connections are refused from now on: clients reconnect at once, while the listener still accepts.
        stopping = true;
        for (Connection c : connections.values()) {
            c.close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "server shutting down");
        }
        timers.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        // Whatever the container has not reported closed by now is forgotten too: nothing outlives the application.
        for (Connection c : connections.values()) {
            c.closed();
        }
        if (journalResource != null) {
            try {
                journalResource.close(); // writes what is still queued
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing the document storage failed", e);
            }
        }
    }

    private void heartbeat() {
        long now = System.currentTimeMillis();
        long idle = config.idleTimeout().toMillis();
        for (Connection c : connections.values()) {
            try {
                c.keepAlive(now, idle);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "heartbeat of connection " + c.connectionId() + " failed", e);
            }
        }
    }

    private void publish() {
        try {
            long now = changes.get();
            if (now == changesPublished || watchers.isEmpty()) {
                return;
            }
            changesPublished = now;
            Snapshot snapshot = snapshot();
            for (Consumer<Snapshot> w : watchers) {
                w.accept(snapshot);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "monitoring update failed", e);
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
