package dev.coedit.it.container;

import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;

/**
 * WildFly: a DataSource under the JNDI name Coedit looks for, {@link #JNDI_NAME}, as
 * server-config/wildfly/datasource.cli adds one, but on WildFly's own H2 driver (an in-memory database) instead of
 * PostgreSQL, so that nothing needs deploying first; removed afterwards, so that later classes find no DataSource and
 * use embedded H2 again.
 */
public class DocumentedDataSource implements ServerSetupTask {

    /** The second of StorageConfig.CONTAINER_DATASOURCES, the one documented for WildFly. */
    static final String JNDI_NAME = "java:jboss/datasources/coedit";

    private static final String NAME = "coedit-documented-name-test";

    @Override
    public void setup(ManagementClient client, String containerId) throws Exception {
        ModelNode add = operation("add");
        add.get("jndi-name").set(JNDI_NAME);
        add.get("driver-name").set("h2");
        add.get("connection-url").set("jdbc:h2:mem:" + NAME + ";DB_CLOSE_DELAY=-1");
        add.get("user-name").set("sa");
        add.get("password").set("sa");
        executeOperation(client, add);
    }

    @Override
    public void tearDown(ManagementClient client, String containerId) throws Exception {
        ModelNode remove = operation("remove");
        remove.get("operation-headers").get("allow-resource-service-restart").set(true);
        executeOperation(client, remove);
        // The next deployment must not find the name any more; a reload settles whatever the removal left pending.
        HandshakeTimeouts.reload(client);
    }

    private static ModelNode operation(String name) {
        ModelNode op = new ModelNode();
        op.get("operation").set(name);
        op.get("address").add("subsystem", "datasources").add("data-source", NAME);
        return op;
    }
}
