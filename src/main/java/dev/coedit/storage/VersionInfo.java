package dev.coedit.storage;

import java.time.Instant;

/**
 * One entry of a document's history, without the op itself: who made {@code version}, when, and how big it was.
 *
 * @param inserted code points inserted
 * @param deleted  code points deleted
 */
public record VersionInfo(long version, Instant time, String clientId, String author, int inserted, int deleted) {
}
