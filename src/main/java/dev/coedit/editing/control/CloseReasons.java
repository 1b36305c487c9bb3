package dev.coedit.editing.control;

import jakarta.websocket.CloseReason;
import java.nio.charset.StandardCharsets;

/** Close reasons that fit a close frame: RFC 6455 allows 123 bytes of UTF-8 after the code. */
public final class CloseReasons {

    static final int MAX_BYTES = 123;

    private CloseReasons() {
    }

    public static CloseReason of(int code, String reason) {
        return new CloseReason(CloseReason.CloseCodes.getCloseCode(code), clip(reason));
    }

    static String clip(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return reason;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 3; // room for the ellipsis
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_BYTES) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return out.append("...").toString();
    }
}
