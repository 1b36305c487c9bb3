package dev.coedit;

import dev.coedit.security.entity.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who may connect and how much: the security settings of {@link CoeditConfig}, read the same way ({@code coedit.x.y}
 * property, then {@code COEDIT_X_Y} environment variable).
 *
 * @param auth                     authenticators tried in order: {@code jwt}, {@code container}, {@code open}
 * @param jwtSecret                HMAC secret (HS256/384/512) that signs tokens, at least 32 bytes; or null
 * @param jwtPublicKey             PEM file with the RSA public key (RS256) that verifies tokens; or null
 * @param jwtIssuer                required {@code iss} of tokens, or null for any
 * @param jwtAudience              required {@code aud} of tokens, or null for any
 * @param jwtClockSkew             how far the issuer's clock may be off: a token is accepted this long after its
 *                                 {@code exp}, and a connection is closed this long after it
 * @param adminRole                container role (and token {@code roles} entry) that may monitor
 * @param defaultRole              the role of every signed-in user in a new document besides its creator, who owns
 *                                 it; empty means "nobody but the creator until the owner grants access"
 * @param maxConnectionsPerUser    open WebSockets one user may hold at once
 * @param maxConnectionsPerAddress open WebSockets one remote address may hold at once
 * @param handshakesPerSecond      sustained handshakes per second, per user and per remote address (burst: twice)
 * @param handshakeTimeout         how long a client may take to send a complete handshake request
 * @param ratePerSecondPerUser     sustained messages per second one user may send over all their connections (burst:
 *                                 twice); by default {@value #RATE_PER_USER_MULTIPLE} times the per-connection rate
 * @param ratePerSecondPerAddress  the same per remote address; by default {@value #RATE_PER_ADDRESS_MULTIPLE} times
 *                                 the per-connection rate, for the people behind one NAT
 */
public record SecurityConfig(
        List<String> auth,
        String jwtSecret,
        Path jwtPublicKey,
        String jwtIssuer,
        String jwtAudience,
        Duration jwtClockSkew,
        String adminRole,
        Optional<Role> defaultRole,
        int maxConnectionsPerUser,
        int maxConnectionsPerAddress,
        int handshakesPerSecond,
        Duration handshakeTimeout,
        int ratePerSecondPerUser,
        int ratePerSecondPerAddress) {

    public static final List<String> AUTHENTICATORS = List.of("jwt", "container", "open");
    /**
     * A user's default message rate over the per-connection one: a few tabs of one person, each typing fast, never
     * meet it; a user flooding through the connections they may open (64 by default) does.
     */
    public static final int RATE_PER_USER_MULTIPLE = 4;
    /** An address's default message rate over the per-connection one: an office behind one NAT, typing together. */
    public static final int RATE_PER_ADDRESS_MULTIPLE = 20;

    public SecurityConfig {
        auth = List.copyOf(auth);
        require(!auth.isEmpty(), "auth must name at least one of " + AUTHENTICATORS);
        for (String a : auth) {
            require(AUTHENTICATORS.contains(a), "auth must be a comma-separated list of " + AUTHENTICATORS
                    + ", was \"" + a + "\"");
        }
        if (auth.contains("jwt")) {
            require((jwtSecret != null) != (jwtPublicKey != null), "auth jwt needs one key: set jwt.secret"
                    + " (COEDIT_JWT_SECRET) or jwt.public.key (a PEM file with an RSA public key), not both");
        }
        require(jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length >= 32,
                "jwt.secret must be at least 32 bytes (256 bits) for HS256");
        require(maxConnectionsPerUser >= 1 && maxConnectionsPerAddress >= 1,
                "connection limits must be positive, were " + maxConnectionsPerUser + " per user and "
                        + maxConnectionsPerAddress + " per address");
        require(!jwtClockSkew.isNegative(), "jwt clock skew must be 0 or more, was " + jwtClockSkew);
        require(handshakesPerSecond >= 1, "handshakes per second must be positive, was " + handshakesPerSecond);
        require(!handshakeTimeout.isNegative() && !handshakeTimeout.isZero(),
                "handshake timeout must be positive, was " + handshakeTimeout);
        require(ratePerSecondPerUser >= 1 && ratePerSecondPerAddress >= 1, "message rates must be positive, were "
                + ratePerSecondPerUser + " per user and " + ratePerSecondPerAddress + " per address");
    }

    /**
     * Open mode for one person on their own machine, and limits that a team never meets.
     *
     * @param ratePerConnection the messages per second one connection may send, which the rates per user and per
     *                          address are multiples of
     */
    public static SecurityConfig defaults(List<String> auth, int ratePerConnection) {
        return new SecurityConfig(auth, null, null, null, null, Duration.ofSeconds(30), "coedit-admin",
                Optional.of(Role.EDITOR), 64, 512, 100, Duration.ofSeconds(10),
                RATE_PER_USER_MULTIPLE * ratePerConnection, RATE_PER_ADDRESS_MULTIPLE * ratePerConnection);
    }

    public boolean openMode() {
        return auth.contains("open");
    }

    /**
     * Reads the settings through {@code lookup} (a setting name like {@code jwt.secret} to its value or null).
     *
     * @param ratePerConnection the configured {@code rate.per.second}, for the defaults of the rates per user and
     *                          per address
     */
    static SecurityConfig from(Function<String, String> lookup, List<String> defaultAuth, int ratePerConnection) {
        SecurityConfig d = defaults(defaultAuth, ratePerConnection);
        String auth = lookup.apply("auth");
        String publicKey = blankToNull(lookup.apply("jwt.public.key"));
        String role = blankToNull(lookup.apply("default.role"));
        Optional<Role> defaultRole = d.defaultRole;
        if (role != null) {
            defaultRole = Role.fromWire(role.toLowerCase(Locale.ROOT));
            require(defaultRole.isPresent() || role.equalsIgnoreCase("none"),
                    "default.role must be viewer, editor, owner or none, was \"" + role + "\"");
        }
        return new SecurityConfig(
                auth == null || auth.isBlank() ? d.auth : CoeditConfig.items(auth),
                blankToNull(lookup.apply("jwt.secret")),
                publicKey == null ? null : Path.of(publicKey),
                blankToNull(lookup.apply("jwt.issuer")),
                blankToNull(lookup.apply("jwt.audience")),
                Duration.ofSeconds(CoeditConfig.integer(lookup, "jwt.clock.skew.seconds",
                        (int) d.jwtClockSkew.toSeconds())),
                Optional.ofNullable(blankToNull(lookup.apply("admin.role"))).orElse(d.adminRole),
                defaultRole,
                CoeditConfig.integer(lookup, "max.connections.per.user", d.maxConnectionsPerUser),
                CoeditConfig.integer(lookup, "max.connections.per.address", d.maxConnectionsPerAddress),
                CoeditConfig.integer(lookup, "handshakes.per.second", d.handshakesPerSecond),
                Duration.ofMillis(CoeditConfig.integer(lookup, "handshake.timeout.ms",
                        (int) d.handshakeTimeout.toMillis())),
                CoeditConfig.integer(lookup, "rate.per.second.per.user", d.ratePerSecondPerUser),
                CoeditConfig.integer(lookup, "rate.per.second.per.address", d.ratePerSecondPerAddress));
    }

    public SecurityConfig withLimits(int perUser, int perAddress, int newHandshakesPerSecond) {
        return new SecurityConfig(auth, jwtSecret, jwtPublicKey, jwtIssuer, jwtAudience, jwtClockSkew, adminRole,
                defaultRole, perUser, perAddress, newHandshakesPerSecond, handshakeTimeout, ratePerSecondPerUser,
                ratePerSecondPerAddress);
    }

    public SecurityConfig withMessageRates(int perUser, int perAddress) {
        return new SecurityConfig(auth, jwtSecret, jwtPublicKey, jwtIssuer, jwtAudience, jwtClockSkew, adminRole,
                defaultRole, maxConnectionsPerUser, maxConnectionsPerAddress, handshakesPerSecond, handshakeTimeout,
                perUser, perAddress);
    }

    /** Without the secret, for logs. */
    @Override
    public String toString() {
        return "auth " + auth + (jwtSecret != null ? ", jwt secret set" : "")
                + (jwtPublicKey != null ? ", jwt key " + jwtPublicKey : "");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
