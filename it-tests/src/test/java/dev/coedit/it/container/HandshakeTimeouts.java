package dev.coedit.it.container;

import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;

/**
 * WildFly: the HTTP listener's handshake deadlines, as server-config/wildfly/coedit.cli sets them, only shorter
 * ({@link ContainerHandshakeTimeoutIT#DEADLINE}), so that a test can wait for them. They apply to new connections
 * without a reload, and are taken back afterwards, so that later classes see the listener as it was.
 */
public class HandshakeTimeouts implements ServerSetupTask {

    private static final String[] ATTRIBUTES = {"request-parse-timeout", "no-request-timeout"};

    @Override
    public void setup(ManagementClient client, String containerId) throws Exception {
        for (String attribute : ATTRIBUTES) {
            ModelNode op = listenerOperation("write-attribute", attribute);
            op.get("value").set(ContainerHandshakeTimeoutIT.DEADLINE.toMillis());
            executeOperation(client, op);
        }
    }

    @Override
    public void tearDown(ManagementClient client, String containerId) throws Exception {
        for (String attribute : ATTRIBUTES) {
            executeOperation(client, listenerOperation("undefine-attribute", attribute));
        }
    }

    private static ModelNode listenerOperation(String operation, String attribute) {
        ModelNode op = new ModelNode();
        op.get("operation").set(operation);
        op.get("address").add("subsystem", "undertow").add("server", "default-server").add("http-listener", "default");
        op.get("name").set(attribute);
        return op;
    }
}
