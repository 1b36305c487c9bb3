package dev.coedit.security.control;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which pages may open Coedit's WebSockets: the defence against cross-site WebSocket hijacking. A browser always sends
 * the page's origin with a WebSocket handshake and a page cannot forge it, so a handshake whose {@code Origin} is
 * neither the server's own origin nor on the allow-list is refused before the upgrade. A handshake without
 * {@code Origin} comes from a program, not a browser page, and passes: Origin cannot protect against programs.
 * Pure, so that every runtime can ask this one class.
 */
public final class OriginPolicy {

    private final Set<String> allowed;

    /**
     * @param allowed origins allowed besides the server's own, like {@code https://app.example.com} (for pages
     *                served elsewhere, or a proxy that terminates TLS)
     */
    public OriginPolicy(Set<String> allowed) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Why the handshake is refused, or null when it may go on.
     *
     * @param origin the {@code Origin} header, or null
     * @param scheme {@code http} or {@code https}: how the request reached the server
     * @param host   the {@code Host} header, or null
     */
    public String refusal(String origin, String scheme, String host) {
        if (origin == null) {
            return null;
        }
        String asked = normalize(origin);
        if (host != null && asked.equals(normalize(scheme + "://" + host))) {
            return null;
        }
        if (allowed.contains(asked)) {
            return null;
        }
        return "origin " + clip(origin) + " is not allowed to open this server's WebSockets";
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    private static String clip(String s) {
        String printable = s.replaceAll("[\\p{Cntrl}]", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 80) + "...";
    }
}
