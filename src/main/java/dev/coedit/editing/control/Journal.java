package dev.coedit.editing.control;

import dev.coedit.editing.control.DocumentAuthority.Commit;
import dev.coedit.security.entity.AccessRules;
import dev.coedit.security.entity.Role;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a room's document is kept: loaded when the room opens, every commit and access change written, and its
 * history read back. Writes return at once; their futures complete once the write is durable. Reads block, so
 * rooms call them off the container's threads.
 */
public interface Journal {

    /**
     * A document as stored.
     *
     * @param recent  the newest commits, oldest first, ending at {@code version}
     * @param clients client id to its last committed seq and the version that commit became
     * @param rules   the access rules, or empty for a document that has none yet (a new one)
     */
    record Loaded(String text, long version, List<Commit> recent, Map<String, long[]> clients,
                  Optional<AccessRules> rules) {
    }

    /** One version in a document's history. */
    record Entry(long version, Instant time, String clientId, String author, int inserted, int deleted) {
    }

    /**
     * Reads a document back, after its writes still in flight (so a room dropped with writes pending is loaded with
     * them, or without those that failed). A document never stored loads as version 0 with empty text.
     *
     * @throws Corrupt when what is stored cannot be read back; any other exception when the storage cannot be
     *                 reached now (retrying later may work)
     */
    Loaded load(String documentId);

    /**
     * A document whose stored data cannot be read back: an op that does not parse or does not fit, a missing
     * version, an unknown role. Loading it again fails the same way, so it is refused for good, not retried; someone
     * must repair the stored rows. The message names the document and, where there is one, the version.
     */
    final class Corrupt extends RuntimeException {
        public Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    CompletableFuture<Void> commit(String documentId, Commit commit, String author);

    /** {@code user} (or {@link AccessRules#EVERYONE}) now has {@code role}, or no access when it is empty. */
    CompletableFuture<Void> access(String documentId, String user, Optional<Role> role);

    /** Up to {@code limit} versions before {@code before}, newest first. */
    List<Entry> history(String documentId, long before, int limit);

    /** The text at {@code version}. */
    String textAt(String documentId, long version);

    /** Keeps nothing: every document starts empty and every write is "durable" at once. For tests. */
    Journal NONE = new Journal() {
        @Override
        public Loaded load(String documentId) {
            return new Loaded("", 0, List.of(), Map.of(), Optional.empty());
        }

        @Override
        public CompletableFuture<Void> commit(String documentId, Commit commit, String author) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> access(String documentId, String user, Optional<Role> role) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public List<Entry> history(String documentId, long before, int limit) {
            throw new UnsupportedOperationException("this server keeps no history: it has no storage");
        }

        @Override
        public String textAt(String documentId, long version) {
            throw new UnsupportedOperationException("this server keeps no history: it has no storage");
        }
    };
}
