package dev.coedit.security.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.coedit.SecurityConfig;
import dev.coedit.security.entity.Identity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signed tokens (JWT), verified with Nimbus JOSE+JWT: an HMAC secret (HS256/384/512) or an RSA public key
 * (RS256/384/512, PS256/384/512). A token must be signed, carry {@code sub} (the user) and {@code exp}, and match the
 * configured {@code iss} and {@code aud}. Optional claims: {@code name} (display name) and {@code roles} (a list; the
 * admin role lets the user monitor).
 */
public final class JwtAuthenticator implements Authenticator {

    private static final int MAX_NAME = 64;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String adminRole;
    private final long skewSeconds;
    private final Clock clock;

    public JwtAuthenticator(SecurityConfig config, Clock clock) {
        this.adminRole = config.adminRole();
        this.skewSeconds = config.jwtClockSkew().toSeconds();
        this.clock = clock;
        JWKSource<SecurityContext> keys;
        Set<JWSAlgorithm> algorithms;
        if (config.jwtSecret() != null) {
            keys = new ImmutableSecret<>(config.jwtSecret().getBytes(StandardCharsets.UTF_8));
            algorithms = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
        } else {
            keys = new ImmutableJWKSet<>(new JWKSet(readPublicKey(config)));
            algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
                    JWSAlgorithm.PS384, JWSAlgorithm.PS512);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (config.jwtIssuer() != null) {
            exact.issuer(config.jwtIssuer());
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                config.jwtAudience() == null ? null : Set.of(config.jwtAudience()), exact.build(),
                Set.of("sub", "exp"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) skewSeconds);
        processor.setJWTClaimsSetVerifier(claims);
    }

    @Override
    public Optional<Identity> authenticate(Handshake handshake) throws Refused {
        String token = handshake.token();
        if (token == null) {
            return Optional.empty();
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new Refused("the token is not a signed JWT: " + e.getMessage(), false);
        } catch (BadJWSException e) {
            throw new Refused("the token's signature does not verify: it was not signed by this server's issuer",
                    false);
        } catch (BadJOSEException e) {
            Instant exp = expiry(token);
            if (exp != null && exp.plusSeconds(skewSeconds).isBefore(clock.instant())) {
                throw new Refused("the token expired at " + exp + "; get a fresh token and reconnect", true);
            }
            throw new Refused("the token is refused: " + e.getMessage(), false);
        } catch (JOSEException e) {
            throw new Refused("the token could not be verified: " + e.getMessage(), false);
        }
        String name = claim(claims, "name");
        if (name != null && name.codePointCount(0, name.length()) > MAX_NAME) {
            name = name.substring(0, name.offsetByCodePoints(0, MAX_NAME));
        }
        boolean admin = roles(claims).contains(adminRole);
        return Optional.of(new Identity(claims.getSubject(), name, admin,
                claims.getExpirationTime().toInstant().plusSeconds(skewSeconds), "jwt"));
    }

    private static Instant expiry(String token) {
        try {
            Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (ParseException e) {
            return null;
        }
    }

    private static String claim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            return null;
        }
    }

    private static Set<String> roles(JWTClaimsSet claims) {
        try {
            List<String> list = claims.getStringListClaim("roles");
            return list == null ? Set.of() : new HashSet<>(list);
        } catch (ParseException e) {
            return Set.of();
        }
    }

    /** An X.509 SubjectPublicKeyInfo PEM ({@code -----BEGIN PUBLIC KEY-----}) with an RSA key; the JDK reads it. */
    private static JWK readPublicKey(SecurityConfig config) {
        String pem;
        try {
            pem = Files.readString(config.jwtPublicKey(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read jwt.public.key " + config.jwtPublicKey() + ": "
                    + e.getMessage());
        }
        int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = pem.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("jwt.public.key " + config.jwtPublicKey()
                    + " holds no PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        try {
            byte[] der = java.util.Base64.getMimeDecoder().decode(pem.substring(begin + 26, end));
            java.security.PublicKey key = java.security.KeyFactory.getInstance("RSA")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(der));
            return new com.nimbusds.jose.jwk.RSAKey.Builder((java.security.interfaces.RSAPublicKey) key).build();
        } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("jwt.public.key " + config.jwtPublicKey()
                    + " holds no RSA public key: " + e.getMessage());
        }
    }
}
