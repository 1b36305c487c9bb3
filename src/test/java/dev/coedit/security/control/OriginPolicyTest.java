package dev.coedit.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy ownOnly = new OriginPolicy(Set.of());

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
        OriginPolicy policy = new OriginPolicy(Set.of("https://app.example.com/"));
        assertNull(policy.refusal("https://app.example.com", "http", "127.0.0.1:8080"));
        assertNotNull(policy.refusal("https://other.example.com", "http", "127.0.0.1:8080"));
    }

    @Test
    void controlCharactersInARefusedOriginDoNotReachTheLog() {
        String refusal = ownOnly.refusal("https://evil\r\nexample", "http", "h");
        assertEquals("origin https://evil??example is not allowed to open this server's WebSockets", refusal);
    }
}
