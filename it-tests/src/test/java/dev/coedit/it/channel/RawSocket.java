package dev.coedit.it.channel;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A WebSocket client made by hand on a {@link Socket}: an RFC 6455 handshake and masked frames, and nothing done
 * behind the test's back (no automatic pong, no reading unless asked, no UTF-8 or size checks). For what a
 * well-behaved client library refuses to produce: invalid UTF-8, an oversized frame, a peer that never reads or never
 * answers a ping, a connection that vanishes without a close frame.
 */
public final class RawSocket implements AutoCloseable {

    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int status;
    private final Map<String, String> headers;

    /** A frame as read: {@code opcode} and the (unmasked) payload. */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** For a close frame: its code, or 1005 when it carries none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }

        @Override
        public String toString() {
            return switch (opcode) {
                case TEXT -> "text " + (payload.length > 200 ? text().substring(0, 200) + "..." : text());
                case CLOSE -> "close " + closeCode() + " \"" + closeReason() + "\"";
                default -> "opcode " + opcode + " (" + payload.length + " bytes)";
            };
        }
    }

    public enum Ending { CLOSE_FRAME, END_OF_STREAM, RESET, STILL_OPEN }

    /**
     * How the connection ended, as seen by this client; the code and reason only with a close frame. {@code pings}
     * counts the pings read on the way.
     */
    public record End(Ending ending, Integer closeCode, String closeReason, String detail, int pings) {
        public boolean hasCloseFrame() {
            return ending == Ending.CLOSE_FRAME;
        }
    }

    private RawSocket(Socket socket, InputStream in, OutputStream out, int status, Map<String, String> headers) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.status = status;
        this.headers = headers;
    }

    /** Connects offering {@value RecordingSocket#SUBPROTOCOL}; fails unless the server switches protocols. */
    public static RawSocket connect(URI uri) throws IOException {
        return connect(uri, List.of(RecordingSocket.SUBPROTOCOL), 0);
    }

    /**
     * Opens a TCP connection and sends the upgrade request; reads the response head, whatever the status.
     *
     * @param subprotocols   offered in {@code Sec-WebSocket-Protocol}; none for an empty list
     * @param receiveBuffer  SO_RCVBUF to ask for before connecting (small: the server's writes stall sooner), 0 for
     *                       the default
     */
    public static RawSocket connect(URI uri, List<String> subprotocols, int receiveBuffer) throws IOException {
        return connect(uri, subprotocols, receiveBuffer, null);
    }

    /**
     * As {@link #connect(URI, List, int)}, from another loopback address (127.0.0.2 and so on all reach a server on
     * 127.0.0.1), so that limits per address can be tested without touching other tests' connections.
     *
     * @param localAddress the address to connect from, or null for any
     */
    public static RawSocket connect(URI uri, List<String> subprotocols, int receiveBuffer, String localAddress)
            throws IOException {
        return connect(uri, subprotocols, receiveBuffer, localAddress, Map.of());
    }

    /**
     * As {@link #connect(URI, List, int, String)}, with more request headers, like the {@code Origin} a browser
     * sends.
     */
    public static RawSocket connect(URI uri, List<String> subprotocols, int receiveBuffer, String localAddress,
            Map<String, String> moreHeaders) throws IOException {
        Assumptions.assumeTrue("ws".equals(uri.getScheme()), "the hand-made client speaks ws:// only, not " + uri);
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // before connect, so the TCP window is small from the start
            }
            socket.setTcpNoDelay(true);
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(uri.getHost(), port), 10_000);
            socket.setSoTimeout((int) RecordingSocket.WAIT.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();

            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            StringBuilder request = new StringBuilder()
                    .append("GET ").append(uri.getRawPath()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(port).append("\r\n")
                    .append("Upgrade: websocket\r\n")
                    .append("Connection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
            if (!subprotocols.isEmpty()) {
                request.append("Sec-WebSocket-Protocol: ").append(String.join(", ", subprotocols)).append("\r\n");
            }
            moreHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            String head = readHead(in);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            if (status == 101 && !accept(key).equals(headers.get("sec-websocket-accept"))) {
                throw new IOException("wrong Sec-WebSocket-Accept in " + head);
            }
            return new RawSocket(socket, in, out, status, headers);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends {@code text} {@code each} times on every socket, in turns, so that the messages of all of them arrive
     * together (a flood shared by several connections); a socket the server has closed is left out from then on.
     */
    public static void sendInTurns(List<RawSocket> sockets, String text, int each) {
        boolean[] stopped = new boolean[sockets.size()];
        for (int i = 0; i < each; i++) {
            for (int s = 0; s < sockets.size(); s++) {
                if (!stopped[s]) {
                    try {
                        sockets.get(s).sendText(text);
                    } catch (IOException e) {
                        stopped[s] = true;
                    }
                }
            }
        }
    }

    /** The HTTP status of the handshake's answer: 101 when the server switched to WebSocket. */
    public int status() {
        return status;
    }

    /** A response header of the handshake (name in any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Writes bytes as they are: a broken or half frame. */
    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void sendText(String text) throws IOException {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A text frame whose payload is these bytes, valid UTF-8 or not. */
    public void sendTextBytes(byte[] payload) throws IOException {
        sendFrame(TEXT, true, payload);
    }

    public void sendClose(int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text);
        sendFrame(CLOSE, true, payload.array());
    }

    public void sendPong(byte[] payload) throws IOException {
        sendFrame(PONG, true, payload);
    }

    /** One masked frame, as a client must send it. */
    public synchronized void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        int length = payload.length;
        if (length < 126) {
            frame.write(0x80 | length);
        } else if (length <= 0xFFFF) {
            frame.write(0x80 | 126);
            frame.write(length >>> 8);
            frame.write(length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(length).array());
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        byte[] masked = new byte[length];
        for (int i = 0; i < length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        frame.writeBytes(masked);
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * The next frame that is not a ping, each ping answered with its pong, within {@code wait} in all; null when none
     * came in time. The heartbeat's pings can come before the answer to a message on a busy server.
     */
    public Frame readAnswer(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame frame = left <= 0 ? null : readFrame(Duration.ofNanos(left));
            if (frame == null || frame.opcode() != PING) {
                return frame;
            }
            sendPong(frame.payload());
        }
    }

    /** Reads the next frame, waiting at most {@code wait}; null when none came in time. */
    public Frame readFrame(Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        if (first < 0) {
            throw new EOFException("the server closed the TCP connection");
        }
        socket.setSoTimeout((int) RecordingSocket.WAIT.toMillis()); // the rest of a started frame comes at once
        int second = readByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = ((long) readByte() << 8) | readByte();
        } else if (length == 127) {
            length = ByteBuffer.wrap(readBytes(8)).getLong();
        }
        byte[] mask = (second & 0x80) != 0 ? readBytes(4) : null;
        if (length > 64L * 1024 * 1024) {
            throw new IOException("a frame of " + length + " bytes: not what this test expects");
        }
        byte[] payload = readBytes((int) length);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame(first & 0x0F, (first & 0x80) != 0, payload);
    }

    /**
     * Reads (and drops) frames until the connection ends, within {@code wait}: by a close frame, an end of stream or
     * a reset. Pings are answered only if {@code answerPings}.
     */
    public End readUntilEnd(Duration wait, boolean answerPings) {
        long end = System.nanoTime() + wait.toNanos();
        int pings = 0;
        try {
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return new End(Ending.STILL_OPEN, null, null, "still open after " + wait.toMillis() + " ms",
                            pings);
                }
                Frame frame = readFrame(Duration.ofNanos(left));
                if (frame == null) {
                    continue;
                }
                if (frame.opcode() == CLOSE) {
                    return new End(Ending.CLOSE_FRAME, frame.closeCode(), frame.closeReason(), "", pings);
                }
                if (frame.opcode() == PING) {
                    pings++;
                    if (answerPings) {
                        sendPong(frame.payload());
                    }
                }
            }
        } catch (EOFException e) {
            return new End(Ending.END_OF_STREAM, null, null, "the server closed TCP without a close frame", pings);
        } catch (SocketException e) {
            return new End(Ending.RESET, null, null, e.getMessage(), pings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the connection as a pulled cable or a killed process would: a TCP reset, no close frame. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // gone either way
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // gone either way
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the TCP connection inside a frame");
        }
        return b;
    }

    private byte[] readBytes(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("the server closed the TCP connection inside a frame");
        }
        return bytes;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection during the handshake after "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 16 * 1024) {
                throw new IOException("a handshake answer of more than 16 KiB");
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
