package dev.coedit.security.control;

import jakarta.websocket.server.HandshakeRequest;
import java.util.List;
import java.util.Map;

/**
 * The credentials a WebSocket handshake carried, captured while the HTTP request is still at hand (in
 * {@code ServerEndpointConfig.Configurator.modifyHandshake}) and read when the connection opens, through the session's
 * user properties under {@link #KEY}. Since WebSocket 2.1 those properties are per connection on every runtime.
 *
 * @param token          a bearer token: from a {@code coedit.token.<jwt>} subprotocol entry (browsers cannot set
 *                       headers on a WebSocket) or an {@code Authorization: Bearer} header (programs); or null
 * @param principal      the container's signed-in user, or null
 * @param containerAdmin whether the container puts that user in the admin role
 * @param origin         the {@code Origin} header (sent by browsers), or null
 * @param host           the {@code Host} header, or null
 */
public record Handshake(String token, String principal, boolean containerAdmin, String origin, String host) {

    public static final String KEY = Handshake.class.getName();
    /** A subprotocol entry with this prefix carries the token; the server never selects it. */
    public static final String TOKEN_SUBPROTOCOL_PREFIX = "coedit.token.";

    /**
     * The container role that makes a signed-in user an admin, set by the application when it starts: the capture
     * runs in the endpoint configurator, which CDI does not reach. One application per class loader.
     */
    private static volatile String adminRole = "coedit-admin";

    /** A handshake with no credentials at all. */
    public static final Handshake NONE = new Handshake(null, null, false, null, null);

    static void useAdminRole(String role) {
        adminRole = role;
    }

    /** Reads the credentials of a handshake request. */
    public static Handshake capture(HandshakeRequest request) {
        String token = null;
        Map<String, List<String>> headers = request.getHeaders();
        for (String value : header(headers, "Sec-WebSocket-Protocol")) {
            for (String entry : value.split(",")) {
                String e = entry.trim();
                if (e.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) {
                    token = e.substring(TOKEN_SUBPROTOCOL_PREFIX.length());
                }
            }
        }
        if (token == null) {
            for (String value : header(headers, "Authorization")) {
                if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    token = value.substring(7).trim();
                }
            }
        }
        java.security.Principal principal = request.getUserPrincipal();
        return new Handshake(token, principal == null ? null : principal.getName(),
                principal != null && request.isUserInRole(adminRole), first(header(headers, "Origin")),
                first(header(headers, "Host")));
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    /** Header names are case-insensitive, and not every runtime's map is. */
    private static List<String> header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null) {
                return e.getValue();
            }
        }
        return List.of();
    }

    /** For logs: never the token itself. */
    @Override
    public String toString() {
        return "Handshake[" + (token != null ? "token" : "no token") + (principal != null ? ", principal " + principal
                : "") + "]";
    }
}
