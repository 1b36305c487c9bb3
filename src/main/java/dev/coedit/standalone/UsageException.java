package dev.coedit.standalone;

/** A flag, a flag's value or a {@code COEDIT_*} / {@code coedit.*} setting is wrong; the message is one line. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
