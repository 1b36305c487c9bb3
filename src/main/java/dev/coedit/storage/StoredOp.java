package dev.coedit.storage;

import dev.coedit.ot.TextOp;
import java.time.Instant;

/**
 * One stored commit: {@code op} turned version {@code version - 1} of the document into {@code version}.
 *
 * @param author   the display name of the author when it committed
 * @param time     when the commit was made (the caller's clock at {@code append})
 * @param inserted code points the op inserted
 * @param deleted  code points the op deleted
 */
public record StoredOp(long version, TextOp op, String clientId, long seq, String author, Instant time, int inserted,
                       int deleted) {
}
