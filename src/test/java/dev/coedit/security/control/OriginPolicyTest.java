package dev.coedit.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy ownOnly = new OriginPolicy(Set.of(), false);

    @Test
    void aPageOfTheServersOwnOriginMayConnect() {
        assertNull(ownOnly.refusal("http://127.0.0.1:8080", "http", "127.0.0.1:8080"));
        assertNull(ownOnly.refusal("HTTPS://Coedit.Example", "https", "coedit.example"), "case does not matter");
    }

    @Test
    void aProgramThatSendsNoOriginMayConnect() {
        assertNull(ownOnly.refusal(null, "http", "127.0.0.1:8080"));
    }

    @Test
    void aForeignPageIsRefusedNamingItsOrigin() {
        assertEquals("origin https://evil.example is not allowed to open this server's WebSockets",
                ownOnly.refusal("https://evil.example", "http", "127.0.0.1:8080"));
    }

    @Test
    void theSameHostOnAnotherPortOrSchemeIsAnotherOrigin() {
        assertNotNull(ownOnly.refusal("http://127.0.0.1:9999", "http", "127.0.0.1:8080"));
        assertNotNull(ownOnly.refusal("http://coedit.example", "https", "coedit.example"));
        assertNotNull(ownOnly.refusal("null", "http", "127.0.0.1:8080"), "sandboxed pages send the origin null");
    }

    @Test
    void anAllowedOriginMayConnectFromElsewhere() {
        OriginPolicy policy = new OriginPolicy(Set.of("https://app.example.com/"), false);
        assertNull(policy.refusal("https://app.example.com", "http", "127.0.0.1:8080"));
        assertNotNull(policy.refusal("https://other.example.com", "http", "127.0.0.1:8080"));
    }

    @Test
    void controlCharactersInARefusedOriginDoNotReachTheLog() {
        String refusal = ownOnly.refusal("https://evil\r\nexample", "http", "h");
        assertEquals("origin https://evil??example is not allowed to open this server's WebSockets", refusal);
    }

    /** DNS rebinding: evil.example resolved to 127.0.0.1 makes Origin and Host agree; open mode must not let it in. */
    @Test
    void inOpenModeTheOwnOriginCountsOnlyUnderALoopbackName() {
        OriginPolicy open = new OriginPolicy(Set.of("https://coedit.example"), true);
        assertEquals("origin http://evil.example:8080 is not a loopback name; open mode lets in only those, or what"
                + " coedit.allowed.origins lists", open.refusal("http://evil.example:8080", "http", "evil.example:8080"));
        for (String host : new String[] {"127.0.0.1:8080", "localhost:8080", "LOCALHOST", "app.localhost:8080",
                "127.1.2.3:80", "[::1]:8080"}) {
            assertNull(open.refusal("http://" + host, "http", host), host);
        }
        for (String host : new String[] {"127.0.0.1.evil.example:8080", "localhost.evil.example", "128.0.0.1:8080",
                "127.0.0.256", "[::2]:8080", "10.0.0.1:8080"}) {
            assertNotNull(open.refusal("http://" + host, "http", host), host);
        }
        assertNull(open.refusal("https://coedit.example", "http", "coedit.example"), "the allow-list still counts");
        assertNull(ownOnly.refusal("http://evil.example:8080", "http", "evil.example:8080"),
                "with sign-in, a rebound name is only a name: it brings no credentials");
    }

    @Test
    void behindAProxyThatEndsTlsEitherSchemeIsTheOwnOrigin() {
        assertNull(ownOnly.refusal("https://coedit.example", "coedit.example"));
        assertNull(ownOnly.refusal("http://coedit.example", "coedit.example"));
        assertEquals("origin https://evil.example is not allowed to open this server's WebSockets",
                ownOnly.refusal("https://evil.example", "coedit.example"));
    }
}
