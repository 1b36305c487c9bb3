package dev.coedit.it.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Signed tokens as an identity provider would issue them to Coedit's users (docs/security.md). */
public final class Tokens {

    private final String secret;

    public Tokens(String secret) {
        this.secret = secret;
    }

    /** A token for {@code user}, valid for {@code ttl}, with a display name and roles (e.g. "coedit-admin"). */
    public String issue(String user, String name, Duration ttl, String... roles) {
        return sign(secret, user, name, Instant.now().plus(ttl), roles);
    }

    public String issue(String user, Duration ttl) {
        return issue(user, null, ttl);
    }

    /** Signed with another key: what a forger without the server's secret can make. */
    public String forged(String user) {
        return sign("an-attacker-guessed-this-other-secret-0123456789", user, null,
                Instant.now().plus(Duration.ofHours(1)));
    }

    /** Expired a minute ago (the test server allows no clock skew). */
    public String expired(String user) {
        return sign(secret, user, null, Instant.now().minus(Duration.ofMinutes(1)));
    }

    private static String sign(String key, String user, String name, Instant exp, String... roles) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(user).expirationTime(Date.from(exp))
                .issueTime(new Date());
        if (name != null) {
            claims.claim("name", name);
        }
        if (roles.length > 0) {
            claims.claim("roles", List.of(roles));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a test token", e);
        }
        return jwt.serialize();
    }
}
