package dev.coedit.editing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.editing.control.DocumentAuthority.Commit;
import dev.coedit.editing.entity.ClientMessage;
import dev.coedit.ot.TextOp;
import dev.coedit.security.entity.AccessRules;
import dev.coedit.security.entity.Identity;
import dev.coedit.security.entity.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A room over a journal whose writes complete only when the test says: nothing that depends on an edit leaves the
 * room before the edit is stored, the order is kept, a failed write closes every connection, and what was stored
 * before a restart (the clients' seqs, the access rules) still holds after it.
 */
class RoomDurabilityTest {

    /** A journal whose writes wait for {@link #storeAll()}; everything runs on the test's thread. */
    static final class HeldJournal implements Journal {
        final List<CompletableFuture<Void>> writes = new ArrayList<>();
        final List<String> written = new ArrayList<>();
        Loaded stored = new Loaded("", 0, List.of(), Map.of(), Optional.empty());
        RuntimeException loadFailure;
        int loads;

        @Override
        public Loaded load(String documentId) {
            loads++;
            if (loadFailure != null) {
                throw loadFailure;
            }
            return stored;
        }

        @Override
        public CompletableFuture<Void> commit(String documentId, Commit commit, String author) {
            written.add("commit " + commit.version() + " " + commit.op().toJson());
            return held();
        }

        @Override
        public CompletableFuture<Void> access(String documentId, String user, Optional<Role> role) {
            written.add("access " + user + " " + role.map(Role::wire).orElse("none"));
            return held();
        }

        private CompletableFuture<Void> held() {
            CompletableFuture<Void> f = new CompletableFuture<>();
            writes.add(f);
            return f;
        }

        void storeAll() {
            List<CompletableFuture<Void>> now = new ArrayList<>(writes);
            writes.clear();
            now.forEach(f -> f.complete(null));
        }

        void failAll(String why) {
            List<CompletableFuture<Void>> now = new ArrayList<>(writes);
            writes.clear();
            now.forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
        }

        @Override
        public List<Entry> history(String documentId, long before, int limit) {
            return List.of();
        }

        @Override
        public String textAt(String documentId, long version) {
            return "";
        }
    }

    static final class Recorder implements Peer {
        final String user;
        final List<String> received = new ArrayList<>();
        String closed;

        Recorder(String user) {
            this.user = user;
        }

        @Override
        public Identity identity() {
            return new Identity(user, null, false, null, "test");
        }

        @Override
        public String connectionId() {
            return user;
        }

        @Override
        public boolean send(String json) {
            received.add(json);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            closed = code + " " + reason;
        }

        String last() {
            return received.isEmpty() ? "" : received.get(received.size() - 1);
        }
    }

    private final HeldJournal journal = new HeldJournal();
    private boolean failed;
    private int failures;

    private Room room() {
        return new Room("doc", journal, 100, "ann", Optional.of(Role.EDITOR), Runnable::run, Runnable::run, () -> { },
                r -> {
                    failed = true;
                    failures++;
                });
    }

    private static ClientMessage.Submit submit(String client, long seq, long base, TextOp op) {
        return new ClientMessage.Submit(client, seq, base, op, null);
    }

    @Test
    void aNewDocumentStoresItsCreatorAsOwnerAndEveryoneElsesRole() {
        room();
        assertEquals(List.of("access ann owner", "access * editor"), journal.written);
    }

    @Test
    void theAckAndTheOthersOpWaitUntilTheEditIsStoredAndKeepTheirOrder() {
        Room room = room();
        journal.storeAll();
        Recorder ann = new Recorder("ann");
        Recorder bob = new Recorder("bob");
        room.handle(ann, new ClientMessage.Hello("a", "Ann", null, null, null, null));
        room.handle(bob, new ClientMessage.Hello("b", "Bob", null, null, null, null));
        int annBefore = ann.received.size();
        int bobBefore = bob.received.size();

        room.handle(ann, submit("a", 1, 0, TextOp.insert(0, "hi")));
        room.handle(ann, new ClientMessage.Caret(1L, 2, 2, null));
        assertEquals(annBefore, ann.received.size(), "no ack before the commit is stored: " + ann.received);
        assertEquals(bobBefore, bob.received.size(), "no op, and no presence after it, before it is stored");

        Recorder late = new Recorder("cy");
        room.handle(late, new ClientMessage.Hello("c", "Cy", null, null, null, null));
        assertTrue(late.received.isEmpty(), "a snapshot with the unstored edit would outlive a crash");

        journal.storeAll();
        assertTrue(ann.received.get(annBefore).contains("\"type\":\"ack\""), ann.received.toString());
        assertTrue(bob.received.get(bobBefore).contains("\"type\":\"op\""), bob.received.toString());
        assertTrue(bob.received.get(bobBefore + 1).contains("\"type\":\"presence\""), bob.received.toString());
        assertTrue(late.received.get(0).contains("\"text\":\"hi\""), late.received.toString());
    }

    @Test
    void aFailedWriteClosesEveryConnectionWithTryAgainLaterAndDropsTheRoom() {
        Room room = room();
        journal.storeAll();
        Recorder ann = new Recorder("ann");
        Recorder bob = new Recorder("bob");
        room.handle(ann, new ClientMessage.Hello("a", null, null, null, null, null));
        room.handle(bob, new ClientMessage.Hello("b", null, null, null, null, null));
        room.handle(ann, submit("a", 1, 0, TextOp.insert(0, "lost")));
        journal.failAll("disk on fire");

        assertTrue(failed, "the registry is told to drop the room");
        assertTrue(ann.closed.startsWith("1013 cannot store document doc: disk on fire"), ann.closed);
        assertTrue(bob.closed.startsWith("1013 "), bob.closed);
        assertTrue(ann.received.stream().noneMatch(m -> m.contains("\"type\":\"ack\"")), "never acknowledged");
        assertTrue(bob.received.stream().noneMatch(m -> m.contains("\"type\":\"op\"")), "never seen by others");

        Recorder cy = new Recorder("cy");
        room.handle(cy, new ClientMessage.Hello("c", null, null, null, null, null));
        assertTrue(cy.closed.startsWith("1013 "), "a failed room serves nobody: " + cy.closed);
    }

    @Test
    void aDocumentThatCannotBeLoadedRefusesConnectionsWithTheReason() {
        journal.loadFailure = new IllegalStateException("database unreachable at db.example:5432");
        Room room = room();
        Recorder ann = new Recorder("ann");
        room.admit(ann);
        assertEquals("1013 cannot load document doc: database unreachable at db.example:5432", ann.closed);
        assertTrue(failed);
    }

    @Test
    void aCorruptDocumentIsRefusedForGoodWith1011NamingTheDocumentAndVersionAndIsNeitherReloadedNorEvicted() {
        journal.loadFailure = new Journal.Corrupt("document doc: the op of version 4 does not parse: Unexpected"
                + " char 44", null);
        Room room = room();
        Recorder ann = new Recorder("ann");
        room.admit(ann);
        assertEquals("1011 corrupt document doc: the op of version 4 does not parse: Unexpected char 44", ann.closed);

        Recorder bob = new Recorder("bob");
        room.admit(bob);
        room.handle(bob, new ClientMessage.Hello("b", null, null, null, null, null));
        assertEquals(ann.closed, bob.closed, "every later connection gets the same refusal");
        assertTrue(bob.received.isEmpty(), bob.received.toString());
        assertEquals(1, journal.loads, "refused from memory, not loaded again");
        assertEquals(1, failures, "the registry is told once");
        Room.Failure failure = room.failure().orElseThrow();
        assertTrue(failure.lasting(), failure.toString());
        long muchLater = System.nanoTime() + Duration.ofDays(1).toNanos();
        assertFalse(room.evictable(muchLater, Duration.ZERO), "evicted, it would be loaded and reported again");
    }

    @Test
    void aDocumentThatCannotBeLoadedNowIsToBeLoadedAgainByTheNextConnection() {
        journal.loadFailure = new IllegalStateException("database unreachable");
        Room room = room();
        Room.Failure failure = room.failure().orElseThrow();
        assertEquals(1013, failure.closeCode());
        assertFalse(failure.lasting(), failure.toString());
        long muchLater = System.nanoTime() + Duration.ofDays(1).toNanos();
        assertTrue(room.evictable(muchLater, Duration.ZERO), "nothing keeps it");
    }

    @Test
    void aRoomMayBeEvictedOnlyWhenNobodyIsAttachedAndItWasIdleLongEnough() {
        Room room = room();
        journal.storeAll();
        Duration idle = Duration.ofMinutes(1);
        long now = System.nanoTime();
        assertFalse(room.evictable(now, idle), "just used");
        long later = now + idle.toNanos() + 1;
        assertTrue(room.evictable(later, idle));
        room.attach();
        assertFalse(room.evictable(later + idle.toNanos(), idle), "someone is attached");
        room.detach();
        assertFalse(room.evictable(later, idle), "a detach is a use");
        assertTrue(room.evictable(System.nanoTime() + idle.toNanos() + 1, idle));
        assertTrue(room.failure().isEmpty());
    }

    @Test
    void aResendOfAStoredSubmitIsAcknowledgedWithItsVersionAfterARestart() {
        journal.stored = new Journal.Loaded("hello", 3, List.of(new Commit(3, TextOp.insert(4, "o"), "a", 7)),
                Map.of("a", new long[] {7, 3}),
                Optional.of(new AccessRules(Map.of("ann", Role.OWNER), Optional.of(Role.VIEWER))));
        Room room = room();
        assertTrue(journal.written.isEmpty(), "stored rules are not written again: " + journal.written);
        Recorder ann = new Recorder("ann");
        room.handle(ann, new ClientMessage.Hello("a", null, null, 2L, null, null));
        assertTrue(ann.received.get(0).contains("\"type\":\"ack\"") && ann.received.get(0).contains("\"seq\":7"),
                "the stored commit 3 is the client's own: resumed as an ack " + ann.received);
        room.handle(ann, submit("a", 7, 2, TextOp.insert(4, "o")));
        assertEquals("{\"type\":\"ack\",\"seq\":7,\"version\":3}", ann.last(), "acknowledged, not applied twice");
        assertTrue(journal.written.isEmpty(), "nothing new to store");

        Recorder bob = new Recorder("bob");
        room.handle(bob, new ClientMessage.Hello("b", null, null, null, null, null));
        room.handle(bob, submit("b", 1, 3, TextOp.insert(0, "x")));
        assertTrue(bob.last().contains("\"code\":\"read_only\""), "the stored rules hold: " + bob.last());
    }
}
