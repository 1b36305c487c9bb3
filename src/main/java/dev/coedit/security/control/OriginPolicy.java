package dev.coedit.security.control;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which pages may open Coedit's WebSockets: the defence against cross-site WebSocket hijacking. A browser always sends
 * the page's origin with a WebSocket handshake and a page cannot forge it, so a handshake whose {@code Origin} is
 * neither the server's own origin nor on the allow-list is refused before the upgrade. A handshake without
 * {@code Origin} comes from a program, not a browser page, and passes: Origin cannot protect against programs.
 *
 * <p>The server's own origin is the scheme and the {@code Host} header, and a page can make its {@code Host} agree with
 * its {@code Origin} by DNS rebinding: {@code evil.example} resolved to 127.0.0.1 is its own origin to the browser. Where
 * that would let any web page in (open mode, which asks nobody who they are), the own origin counts only under a
 * loopback name ({@code localhost}, {@code *.localhost}, {@code 127.x.y.z}, {@code [::1]}), which no DNS answer
 * changes; any other name must be on the allow-list. Pure, so that every runtime can ask this one class.
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean ownOriginOnlyOnLoopback;

    /**
     * @param allowed                 origins allowed besides the server's own, like {@code https://app.example.com}
     *                                (for pages served elsewhere, or a proxy that terminates TLS)
     * @param ownOriginOnlyOnLoopback whether the own origin counts only under a loopback name (open mode)
     */
    public OriginPolicy(Set<String> allowed, boolean ownOriginOnlyOnLoopback) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
        this.ownOriginOnlyOnLoopback = ownOriginOnlyOnLoopback;
    }

    /**
     * As {@link #refusal(String, String, String)} for a server that cannot tell the page's scheme: behind a proxy that
     * terminates TLS it sees http for an https page. Either scheme with the {@code Host} is the own origin.
     */
    public String refusal(String origin, String host) {
        String refusal = refusal(origin, "http", host);
        return refusal == null ? null : refusal(origin, "https", host);
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
        if (allowed.contains(asked)) {
            return null;
        }
        if (host != null && asked.equals(normalize(scheme + "://" + host))) {
            if (!ownOriginOnlyOnLoopback || isLoopbackName(host)) {
                return null;
            }
            return "origin " + clip(origin) + " is not a loopback name; open mode lets in only those, or what"
                    + " coedit.allowed.origins lists";
        }
        return "origin " + clip(origin) + " is not allowed to open this server's WebSockets";
    }

    /** Whether a {@code Host} header names this machine whatever DNS says: a loopback literal or {@code localhost}. */
    static boolean isLoopbackName(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
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
