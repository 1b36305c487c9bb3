package dev.coedit.storage;

import java.util.List;
import java.util.Map;

/**
 * A document as {@link DocumentStore#load} read it: enough to rebuild the document's authority after a restart or an
 * eviction. A document that was never stored loads as version 0 with empty text and empty maps.
 *
 * @param version         the head version: the last stored commit
 * @param text            the text at {@code version}
 * @param snapshotVersion the version of the snapshot the text was rebuilt from (0: from the empty document)
 * @param recent          the stored commits after that snapshot, oldest first, already applied to {@code text}; a
 *                        caller may use them to refill its window of recent ops
 * @param clients         for each client that ever submitted to the document, its last stored seq and its version
 * @param access          the access rules: user id to role ({@code viewer}, {@code editor} or {@code owner})
 */
public record StoredDocument(String documentId, long version, String text, long snapshotVersion,
                             List<StoredOp> recent, Map<String, ClientSeq> clients, Map<String, String> access) {

    public StoredDocument {
        recent = List.copyOf(recent);
        clients = Map.copyOf(clients);
        access = Map.copyOf(access);
    }
}
