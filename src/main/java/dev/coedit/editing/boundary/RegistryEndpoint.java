package dev.coedit.editing.boundary;

import dev.coedit.editing.control.SessionRegistry;
import jakarta.inject.Inject;

/**
 * An endpoint that works through the application's {@link SessionRegistry}: CDI injects it in a container,
 * {@link CoeditConfigurator} supplies it elsewhere. The WebSocket callbacks stay on each endpoint class.
 */
public abstract class RegistryEndpoint {

    @Inject
    protected SessionRegistry registry;

    final SessionRegistry registry() {
        return registry;
    }

    final void useRegistry(SessionRegistry registry) {
        this.registry = registry;
    }
}
