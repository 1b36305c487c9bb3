package dev.coedit.it.container;

import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;

/**
 * WildFly: the HTTP listener's handshake deadlines, as server-config/wildfly/coedit.cli sets them, only shorter
 * ({@link ContainerHandshakeTimeoutIT#DEADLINE}), so that a test can wait for them; taken back afterwards, so that
 * later classes see the listener as it was. The server is reloaded after each change: a listener that has served
 * requests keeps its old timeouts until then (seen in the full suite; a fresh server took them at once).
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
        reload(client);
    }

    @Override
    public void tearDown(ManagementClient client, String containerId) throws Exception {
        for (String attribute : ATTRIBUTES) {
            executeOperation(client, listenerOperation("undefine-attribute", attribute));
        }
        reload(client);
    }

    /** Reloads the server and waits, at most a minute, until it runs again. */
    static void reload(ManagementClient client) throws Exception {
        ModelNode op = new ModelNode();
        op.get("operation").set("reload");
        op.get("address").setEmptyList();
        client.getControllerClient().execute(op);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        Thread.sleep(500); // the reload starts after the answer
        while (!running(client)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("WildFly did not come back within a minute of a reload");
            }
            Thread.sleep(200);
        }
    }

    private static boolean running(ManagementClient client) {
        try {
            return client.isServerInRunningState();
        } catch (RuntimeException reloading) {
            return false;
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
