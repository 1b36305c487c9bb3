package dev.coedit.it.support;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;

/** A client that sends its request slowly, or not at all, to time the server's handshake deadline. */
public final class SlowClient {

    private SlowClient() {
    }

    /**
     * Opens a TCP connection to the server, sends {@code bytes} one by one {@code every}, and times the close: how
     * long the server held the connection, or null when it still held it after {@code limit}.
     */
    public static Duration heldFor(URI http, byte[] bytes, Duration every, Duration limit) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(http.getHost(), http.getPort()), 5_000);
            socket.setSoTimeout(50);
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int next = 0;
            while (System.nanoTime() - start < limit.toNanos()) {
                if (next < bytes.length) {
                    try {
                        out.write(bytes[next++]);
                        out.flush();
                    } catch (SocketException e) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                }
                long until = System.nanoTime() + every.toNanos();
                while (System.nanoTime() < until) {
                    try {
                        if (in.read() < 0) {
                            return Duration.ofNanos(System.nanoTime() - start);
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // nothing yet
                    } catch (SocketException e) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                }
            }
            return null;
        }
    }
}
