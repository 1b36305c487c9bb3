package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.spi.InitialContextFactory;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a deployment finds its DataSource in JNDI: the first name that holds one wins, the others are listed for the
 * log, and the naming context is closed whatever was found. JNDI is this test's own ({@link Names}), named by the
 * standard system property for the length of each test.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContainerStorageTest {

    /** The names the test's JNDI holds, and how often a context of it was closed. */
    static final Map<String, Object> BOUND = new java.util.concurrent.ConcurrentHashMap<>();
    static final AtomicInteger CLOSED = new AtomicInteger();

    private String factoryBefore;

    /** A JNDI provider over {@link #BOUND}: lookups by name, and close counted. */
    public static final class Names implements InitialContextFactory {
        @Override
        public Context getInitialContext(Hashtable<?, ?> environment) {
            return (Context) Proxy.newProxyInstance(Names.class.getClassLoader(), new Class<?>[] {Context.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "lookup" -> {
                            Object bound = BOUND.get(String.valueOf(args[0]));
                            if (bound == null) {
                                throw new NameNotFoundException(String.valueOf(args[0]));
                            }
                            yield bound;
                        }
                        case "close" -> {
                            CLOSED.incrementAndGet();
                            yield null;
                        }
                        case "getEnvironment" -> new Hashtable<>();
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    @BeforeEach
    void useTheTestsNames() {
        factoryBefore = System.getProperty(Context.INITIAL_CONTEXT_FACTORY);
        System.setProperty(Context.INITIAL_CONTEXT_FACTORY, Names.class.getName());
        BOUND.clear();
        CLOSED.set(0);
    }

    @AfterEach
    void restore() {
        if (factoryBefore == null) {
            System.clearProperty(Context.INITIAL_CONTEXT_FACTORY);
        } else {
            System.setProperty(Context.INITIAL_CONTEXT_FACTORY, factoryBefore);
        }
    }

    @Test
    void theFirstNameThatHoldsADataSourceIsUsedAndTheContextIsClosed() {
        DataSource payara = new org.h2.jdbcx.JdbcDataSource();
        BOUND.put("java:jboss/datasources/coedit", "a string, not a DataSource");
        BOUND.put("jdbc/other", payara);
        List<String> tried = new ArrayList<>();

        ContainerStorage.Found found = ContainerStorage.lookUp(
                List.of("jdbc/coedit", "java:jboss/datasources/coedit", "jdbc/other"), tried);

        assertSame(payara, found.dataSource());
        assertEquals("jdbc/other", found.name());
        assertEquals(List.of("jdbc/coedit", "java:jboss/datasources/coedit (not a DataSource)"), tried);
        assertEquals(1, CLOSED.get(), "the naming context is closed");
    }

    @Test
    void whenNoNameHoldsADataSourceTheContextIsClosedToo() {
        List<String> tried = new ArrayList<>();

        assertNull(ContainerStorage.lookUp(List.of("jdbc/coedit", "java:jboss/datasources/coedit"), tried));

        assertEquals(List.of("jdbc/coedit", "java:jboss/datasources/coedit"), tried);
        assertEquals(1, CLOSED.get(), "the naming context is closed");
    }
}
