package dev.coedit.storage;

/**
 * A storage failure, with a one-line message that names what failed: the database (its URL without the password),
 * the data folder, or the document and version. The {@link #reason()} says what the caller can do about it.
 */
public final class StorageException extends RuntimeException {

    /** What went wrong, and so what the caller may do. */
    public enum Reason {
        /** The database cannot be reached or went away. Retrying later may work; nothing in the failed write is stored. */
        UNAVAILABLE,
        /** The data folder cannot be created or written, or the H2 database in it is used by another process. */
        UNWRITABLE,
        /** Stored data cannot be read back: not a database, an op that does not parse or fit, a missing version. */
        CORRUPT,
        /**
         * An append whose version does not follow the stored head of its document, typically because an earlier
         * append of the same document failed. The document in memory is ahead of storage: reload it.
         */
        VERSION_GAP,
        /** The write queue is full: the database is slower than the edits. Nothing was queued. */
        QUEUE_FULL,
        /** The store is closed. */
        CLOSED,
        /** Any other database error, e.g. a schema migration that failed. */
        FAILED
    }

    private final Reason reason;

    public StorageException(Reason reason, String message) {
        this(reason, message, null);
    }

    public StorageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The first line of a driver's message, clipped, so that storage messages stay one line. */
    static String firstLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        m = m.strip();
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl).strip();
        }
        return m.length() <= 240 ? m : m.substring(0, 240) + "...";
    }
}
