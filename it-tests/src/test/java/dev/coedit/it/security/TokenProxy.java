package dev.coedit.it.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A reverse proxy in front of Coedit, as an application that embeds it would run one: the pages and the WebSockets
 * are forwarded, and {@code /auth/token} on the same origin hands out signed tokens (the application's sign-in, here a
 * supplier). Each plain request is sent upstream with {@code Connection: close}, so every request arrives here first;
 * an upgrade is forwarded as it is and then piped both ways. Loopback only; for tests.
 */
public final class TokenProxy implements AutoCloseable {

    public static final String TOKEN_PATH = "/auth/token";

    private final InetSocketAddress upstream;
    private final Supplier<String> tokens;
    private final ServerSocket listener;
    private final AtomicInteger issued = new AtomicInteger();
    private final Thread acceptor;

    public TokenProxy(URI upstreamHttp, Supplier<String> tokens) throws IOException {
        this.upstream = new InetSocketAddress(upstreamHttp.getHost(), upstreamHttp.getPort());
        this.tokens = tokens;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "token-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The application through the proxy, like {@code http://127.0.0.1:PORT/coedit/}. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/coedit/");
    }

    /** How many tokens the pages fetched. */
    public int tokensIssued() {
        return issued.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread t = new Thread(() -> serve(client), "token-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            if (path.startsWith(TOKEN_PATH)) {
                byte[] body = ("{\"token\":\"" + tokens.get() + "\"}").getBytes(StandardCharsets.UTF_8);
                issued.incrementAndGet();
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                return;
            }
            boolean upgrade = head.toLowerCase(Locale.ROOT).contains("\r\nupgrade: websocket");
            try (Socket server = new Socket()) {
                server.connect(upstream, 5_000);
                OutputStream up = server.getOutputStream();
                up.write((upgrade ? head : closing(head)).getBytes(StandardCharsets.ISO_8859_1));
                up.flush();
                Thread back = new Thread(() -> pipe(server, client), "token-proxy-back");
                back.setDaemon(true);
                back.start();
                pipe(client, server);
                back.join(5_000);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the browser or the server went away: so does this connection
        }
    }

    /** The request head with its Connection header replaced by {@code Connection: close}. */
    private static String closing(String head) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")
                    && !line.toLowerCase(Locale.ROOT).startsWith("keep-alive:")) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString();
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // both are going
            }
        }
    }

    /** The request line and headers, up to the blank line; null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > 64 * 1024) {
                throw new IOException("request head too large");
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
