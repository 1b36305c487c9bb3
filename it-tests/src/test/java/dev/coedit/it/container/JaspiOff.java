package dev.coedit.it.container;

import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;

/**
 * WildFly: lets an application's own Jakarta Security identity store sign users in, by switching off Elytron's JASPI
 * integration for the default application security domain (server-config/README.md shows the CLI line). Run before
 * {@link ContainerPrincipalIT} with a reload after it; left off afterwards, which other deployments do not notice.
 */
public class JaspiOff implements ServerSetupTask {

    @Override
    public void setup(ManagementClient client, String containerId) throws Exception {
        ModelNode op = new ModelNode();
        op.get("operation").set("write-attribute");
        op.get("address").add("subsystem", "undertow").add("application-security-domain", "other");
        op.get("name").set("integrated-jaspi");
        op.get("value").set(false);
        executeOperation(client, op);
    }

    @Override
    public void tearDown(ManagementClient client, String containerId) {
        // left as is: see the class comment
    }
}
