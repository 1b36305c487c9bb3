package dev.coedit.security.entity;

import java.util.Locale;
import java.util.Optional;

/**
 * What one person may do in one document. Each role includes the ones before it: a viewer reads (snapshot, remote ops,
 * presence), an editor also submits, an owner also manages who has which role.
 */
public enum Role {
    VIEWER,
    EDITOR,
    OWNER;

    public boolean mayEdit() {
        return this != VIEWER;
    }

    public boolean mayManage() {
        return this == OWNER;
    }

    /** The name on the wire: {@code viewer}, {@code editor}, {@code owner}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role of a wire name, or empty for {@code none} and anything else. */
    public static Optional<Role> fromWire(String name) {
        for (Role r : values()) {
            if (r.wire().equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
