package dev.coedit.standalone;

/**
 * The server cannot start for a reason the person starting it can fix: the port is taken, the host is unknown or not
 * an address of this machine, the data folder cannot be created. The message is one line, fit to show as it is.
 */
public final class StartupException extends Exception {

    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
