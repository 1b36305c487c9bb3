package dev.coedit.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.coedit.SecurityConfig;
import dev.coedit.security.entity.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed tokens: what is accepted, and the reason given for each refusal. */
class JwtAuthenticatorTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static SecurityConfig config(String secret, Path publicKey, String issuer, String audience) {
        return new SecurityConfig(List.of("jwt"), secret, publicKey, issuer, audience, Duration.ofSeconds(30),
                "coedit-admin", Optional.empty(), 64, 512, 100, Duration.ofSeconds(10), 400, 2000);
    }

    private static String hs256(String key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims(String sub, Instant exp) {
        return new JWTClaimsSet.Builder().subject(sub).expirationTime(Date.from(exp));
    }

    private static Identity accept(Authentication auth, String token) throws Authenticator.Refused {
        return auth.authenticate(new Handshake(token, null, false, null, null));
    }

    private static String refusal(Authentication auth, String token) {
        return assertThrows(Authenticator.Refused.class, () -> accept(auth, token)).getMessage();
    }

    @Test
    void aGoodTokenGivesItsUserNameAndAdminRole() throws Exception {
        Authentication auth = new Authentication(config(SECRET, null, null, null), CLOCK);
        Identity ann = accept(auth, hs256(SECRET, claims("ann", NOW.plusSeconds(60)).claim("name", "Ann")
                .claim("roles", List.of("coedit-admin")).build()));
        assertEquals("ann", ann.user());
        assertEquals("Ann", ann.name());
        assertTrue(ann.admin());
        assertEquals(NOW.plusSeconds(90), ann.expiresAt(), "closed at exp plus the allowed skew");
        assertFalse(accept(auth, hs256(SECRET, claims("bob", NOW.plusSeconds(60)).build())).admin());
    }

    @Test
    void eachBadTokenIsRefusedWithItsReason() throws Exception {
        Authentication auth = new Authentication(config(SECRET, null, null, null), CLOCK);
        assertEquals("sign-in required: send a token as subprotocol coedit.token.<jwt>", refusal(auth, null));
        assertTrue(refusal(auth, "garbage").startsWith("the token is not a signed JWT"));
        assertEquals("the token's signature does not verify: it was not signed by this server's issuer",
                refusal(auth, hs256("another-secret-of-32-bytes-or-more!!", claims("ann", NOW.plusSeconds(60))
                        .build())));
        Authenticator.Refused expired = assertThrows(Authenticator.Refused.class, () -> accept(auth,
                hs256(SECRET, claims("ann", NOW.minusSeconds(31)).build())));
        assertEquals("the token expired at 2026-11-25T09:59:29Z; get a fresh token and reconnect",
                expired.getMessage());
        assertTrue(expired.expired());
        // Within the skew, still good.
        accept(auth, hs256(SECRET, claims("ann", NOW.minusSeconds(29)).build()));
        assertTrue(refusal(auth, hs256(SECRET, new JWTClaimsSet.Builder().subject("ann").build()))
                .contains("exp"), "exp is required");
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + Base64.getUrlEncoder()
                .withoutPadding().encodeToString(("{\"sub\":\"ann\",\"exp\":" + (NOW.getEpochSecond() + 60) + "}")
                        .getBytes(StandardCharsets.UTF_8)) + ".";
        assertTrue(refusal(auth, unsigned).startsWith("the token"), "alg none is never accepted");
    }

    @Test
    void issuerAndAudienceMustMatchWhenConfigured() throws Exception {
        Authentication auth = new Authentication(config(SECRET, null, "https://id.example", "coedit"), CLOCK);
        accept(auth, hs256(SECRET, claims("ann", NOW.plusSeconds(60)).issuer("https://id.example")
                .audience("coedit").build()));
        assertTrue(refusal(auth, hs256(SECRET, claims("ann", NOW.plusSeconds(60)).issuer("https://evil.example")
                .audience("coedit").build())).startsWith("the token is refused"));
        assertTrue(refusal(auth, hs256(SECRET, claims("ann", NOW.plusSeconds(60)).issuer("https://id.example")
                .audience("other").build())).startsWith("the token is refused"));
    }

    @Test
    void rs256TokensAreVerifiedWithAPemPublicKey(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Authentication auth = new Authentication(config(null, pem, null, null), CLOCK);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims("rita", NOW.plusSeconds(60)).build());
        jwt.sign(new RSASSASigner(pair.getPrivate()));
        assertEquals("rita", accept(auth, jwt.serialize()).user());
        // A secret-signed token is no good to a server that holds a public key (no algorithm confusion).
        assertTrue(refusal(auth, hs256(SECRET, claims("rita", NOW.plusSeconds(60)).build())).startsWith("the token"));
    }

    @Test
    void chainedAuthenticatorsFallBackOnlyWhenNothingIsPresented() throws Exception {
        SecurityConfig jwtThenContainer = new SecurityConfig(List.of("jwt", "container"), SECRET, null, null, null,
                Duration.ofSeconds(30), "coedit-admin", Optional.empty(), 64, 512, 100, Duration.ofSeconds(10), 400,
                2000);
        Authentication auth = new Authentication(jwtThenContainer, CLOCK);
        Identity fromContainer = auth.authenticate(new Handshake(null, "carl", true, null, null));
        assertEquals("carl", fromContainer.user());
        assertTrue(fromContainer.admin());
        assertThrows(Authenticator.Refused.class, () -> auth.authenticate(new Handshake("forged", "carl", true, null,
                null)), "a bad token is refused even with a principal");
        assertEquals("sign-in required: send a token as subprotocol coedit.token.<jwt>, or sign in to the server",
                assertThrows(Authenticator.Refused.class, () -> auth.authenticate(Handshake.NONE)).getMessage());
    }
}
