package dev.coedit.storage;

import dev.coedit.editing.control.DocumentAuthority.Commit;
import dev.coedit.editing.control.Journal;
import dev.coedit.security.entity.AccessRules;
import dev.coedit.security.entity.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The editing layer's {@link Journal} on a {@link DocumentStore}: what rooms load, write and read back. */
public final class StoreJournal implements Journal {

    private final DocumentStore store;

    public StoreJournal(DocumentStore store) {
        this.store = store;
    }

    public DocumentStore store() {
        return store;
    }

    /** As the store loads it; {@link StorageException.Reason#CORRUPT} becomes {@link Journal.Corrupt}. */
    @Override
    public Loaded load(String documentId) {
        try {
            StoredDocument d = store.load(documentId);
            List<Commit> recent = new ArrayList<>(d.recent().size());
            for (StoredOp op : d.recent()) {
                recent.add(new Commit(op.version(), op.op(), op.clientId(), op.seq()));
            }
            Map<String, long[]> clients = new HashMap<>();
            d.clients().forEach((client, seq) -> clients.put(client, new long[] {seq.lastSeq(), seq.version()}));
            return new Loaded(d.text(), d.version(), recent, clients, rules(documentId, d.access()));
        } catch (StorageException e) {
            if (e.reason() == StorageException.Reason.CORRUPT) {
                throw new Journal.Corrupt(e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Stored rules: a role per user, "*" for everyone else; none at all means a new document. */
    static Optional<AccessRules> rules(String documentId, Map<String, String> stored) {
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Role> users = new HashMap<>();
        Optional<Role> everyone = Optional.empty();
        for (Map.Entry<String, String> e : stored.entrySet()) {
            Optional<Role> role = Role.fromWire(e.getValue());
            if (role.isEmpty()) {
                throw new StorageException(StorageException.Reason.CORRUPT, "document " + documentId
                        + ": the access rule of " + e.getKey() + " has the unknown role \"" + e.getValue() + "\"");
            }
            if (AccessRules.EVERYONE.equals(e.getKey())) {
                everyone = role;
            } else {
                users.put(e.getKey(), role.get());
            }
        }
        return Optional.of(new AccessRules(users, everyone));
    }

    @Override
    public CompletableFuture<Void> commit(String documentId, Commit commit, String author) {
        return store.append(documentId, commit.version(), commit.op(), commit.clientId(), commit.seq(), author,
                Instant.now());
    }

    @Override
    public CompletableFuture<Void> access(String documentId, String user, Optional<Role> role) {
        return role.isPresent() ? store.setAccess(documentId, user, role.get().wire())
                : store.removeAccess(documentId, user);
    }

    @Override
    public List<Entry> history(String documentId, long before, int limit) {
        return store.history(documentId, before, limit).stream()
                .map(v -> new Entry(v.version(), v.time(), v.clientId(), v.author(), v.inserted(), v.deleted()))
                .toList();
    }

    @Override
    public String textAt(String documentId, long version) {
        return store.textAt(documentId, version);
    }
}
