package dev.coedit.storage;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source in front of a real one that a test can take away and bring back, the way a database server goes away:
 * {@link #down()} closes every connection it handed out and refuses new ones with SQL state 08001 until {@link #up()}.
 * {@link #hold()} stalls the writer until {@link #release()}: new connections wait, and so does every commit on a
 * connection already handed out (the writer keeps its first connection open for the life of the store).
 */
final class SwitchableDataSource implements DataSource {

    private final DataSource real;
    private final List<Connection> handedOut = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    SwitchableDataSource(DataSource real) {
        this.real = real;
    }

    void down() {
        down = true;
        for (Connection c : handedOut) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
        handedOut.clear();
    }

    void up() {
        down = false;
    }

    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    private void awaitGate() throws SQLException {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", "08001");
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        awaitGate();
        if (down) {
            throw new SQLException("Connection refused (the test stopped the database)", "08001");
        }
        Connection c = real.getConnection();
        handedOut.add(c);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit")) {
                        awaitGate();
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
