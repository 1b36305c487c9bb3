package dev.coedit.storage;

/**
 * The last submit of one client to one document that is stored: its seq and the version it became. Enough to answer a
 * resend of that submit after a restart instead of applying it twice.
 */
public record ClientSeq(long lastSeq, long version) {
}
