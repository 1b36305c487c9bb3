package dev.coedit.it.container;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/**
 * The container's own sign-in, as an application would set it up with Jakarta Security: BASIC, and an identity
 * store with two users. Deployed with the WAR by {@link ContainerPrincipalIT} only; never part of Coedit.
 */
@ApplicationScoped
@BasicAuthenticationMechanismDefinition(realmName = "coedit-test")
@DeclareRoles("coedit-admin")
public class TestSignIn implements IdentityStore {

    @Override
    public CredentialValidationResult validate(jakarta.security.enterprise.credential.Credential credential) {
        if (credential instanceof UsernamePasswordCredential c) {
            if (c.getCaller().equals("alice") && c.getPasswordAsString().equals("alice-pw")) {
                return new CredentialValidationResult("alice", Set.of("coedit-admin"));
            }
            if (c.getCaller().equals("bob") && c.getPasswordAsString().equals("bob-pw")) {
                return new CredentialValidationResult("bob", Set.of("staff"));
            }
        }
        return CredentialValidationResult.INVALID_RESULT;
    }
}
