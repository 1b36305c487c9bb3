package dev.coedit.security.entity;

import java.time.Instant;

/**
 * Who is on the other end of a connection, as the authenticator established it at the handshake.
 *
 * @param user      stable user id (a token's {@code sub}, the container principal's name, or {@value #LOCAL_USER})
 * @param name      display name the authenticator vouches for, or null (the client's hello then names itself)
 * @param admin     may use the monitoring channel and page
 * @param expiresAt when the credential runs out (the connection is then closed with 1008), or null for never
 * @param method    which authenticator said so: {@code open}, {@code jwt} or {@code container}
 */
public record Identity(String user, String name, boolean admin, Instant expiresAt, String method) {

    /** The one user of open mode. */
    public static final String LOCAL_USER = "local";

    /** Everyone in open mode: one local user who owns every document and may monitor. */
    public static final Identity LOCAL = new Identity(LOCAL_USER, null, true, null, "open");

    public Identity {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("an identity needs a user id");
        }
    }

    /** For logs: the user and how they proved it. */
    @Override
    public String toString() {
        return user + " (" + method + (admin ? ", admin" : "") + ")";
    }
}
