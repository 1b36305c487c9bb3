package dev.coedit.security.entity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who may do what in one document: a role per user, and a role for {@value #EVERYONE} else who is signed in (or
 * none). Immutable; a change makes a new one.
 */
public record AccessRules(Map<String, Role> users, Optional<Role> everyone) {

    /** The wire name of "every signed-in user without a rule of their own". */
    public static final String EVERYONE = "*";

    public AccessRules {
        users = Map.copyOf(users);
    }

    /** A new document: its creator owns it; everyone else signed in gets {@code defaultRole}, or nothing. */
    public static AccessRules forNewDocument(String creator, Optional<Role> defaultRole) {
        return new AccessRules(Map.of(creator, Role.OWNER), defaultRole);
    }

    public Optional<Role> roleOf(String user) {
        Role own = users.get(user);
        return own != null ? Optional.of(own) : everyone;
    }

    /** These rules with {@code user} (or {@value #EVERYONE}) given {@code role}; empty role takes access away. */
    public AccessRules with(String user, Optional<Role> role) {
        if (EVERYONE.equals(user)) {
            return new AccessRules(users, role);
        }
        Map<String, Role> changed = new LinkedHashMap<>(users);
        if (role.isPresent()) {
            changed.put(user, role.get());
        } else {
            changed.remove(user);
        }
        return new AccessRules(changed, everyone);
    }

    public long owners() {
        return users.values().stream().filter(r -> r == Role.OWNER).count();
    }

    /** As sent to owners: user to role name, {@value #EVERYONE} to a role name or {@code none}. */
    public Map<String, String> toWire() {
        Map<String, String> wire = new java.util.TreeMap<>();
        users.forEach((user, role) -> wire.put(user, role.wire()));
        wire.put(EVERYONE, everyone.map(Role::wire).orElse("none"));
        return wire;
    }
}
