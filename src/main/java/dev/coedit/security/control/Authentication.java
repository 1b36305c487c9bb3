package dev.coedit.security.control;

import dev.coedit.SecurityConfig;
import dev.coedit.security.entity.Identity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configured authenticators, asked in order. The first that recognises a credential decides: a bad token is
 * refused even when open mode comes later. When none recognises anything, the handshake is refused.
 */
public final class Authentication {

    private final List<Authenticator> chain = new ArrayList<>();
    private final List<String> names;

    public Authentication(SecurityConfig config, Clock clock) {
        this.names = config.auth();
        for (String name : config.auth()) {
            chain.add(switch (name) {
                case "jwt" -> new JwtAuthenticator(config, clock);
                case "container" -> handshake -> handshake.principal() == null ? Optional.empty()
                        : Optional.of(new Identity(handshake.principal(), null, handshake.containerAdmin(), null,
                        "container"));
                case "open" -> handshake -> Optional.of(Identity.LOCAL);
                default -> throw new IllegalArgumentException("unknown authenticator " + name);
            });
        }
    }

    /**
     * @throws Authenticator.Refused naming what was wrong or missing
     */
    public Identity authenticate(Handshake handshake) throws Authenticator.Refused {
        for (Authenticator a : chain) {
            Optional<Identity> identity = a.authenticate(handshake);
            if (identity.isPresent()) {
                return identity.get();
            }
        }
        throw new Authenticator.Refused("sign-in required: " + String.join(", or ", names.stream()
                .map(Authentication::howTo).toList()), false);
    }

    private static String howTo(String name) {
        return switch (name) {
            case "jwt" -> "send a token as subprotocol " + Handshake.TOKEN_SUBPROTOCOL_PREFIX + "<jwt>";
            case "container" -> "sign in to the server";
            default -> name;
        };
    }
}
