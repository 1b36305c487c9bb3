package dev.coedit.editing.control;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in order, on a shared pool: one per document, so its edits are serial without a thread
 * of its own. A task that throws is logged and does not stop the ones after it.
 */
final class SerialExecutor implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.addLast(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    private void schedule() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException stopped) {
            // The application is shutting down: its documents take no more work.
            synchronized (this) {
                tasks.clear();
                scheduled = false;
            }
            LOG.log(Level.FINE, "document work dropped at shutdown", stopped);
        }
    }

    private void drain() {
        // Bounded turns keep one busy document from holding a pool thread forever.
        for (int turn = 0; turn < 256; turn++) {
            Runnable next;
            synchronized (this) {
                next = tasks.pollFirst();
                if (next == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "a document task failed; the document goes on", e);
            }
        }
        schedule();
    }
}
