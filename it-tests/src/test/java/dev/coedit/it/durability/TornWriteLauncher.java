package dev.coedit.it.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * The standalone server with a crash in the middle of a real write: a main class that registers an H2 file system
 * {@code tear:} and then runs {@code dev.coedit.standalone.Main} with the same arguments. Started with
 * {@code --db-url jdbc:h2:tear:DIR/coedit;...}, the server writes its H2 file through it, byte for byte as through
 * {@code file:}, until the file named by the system property {@value #TRIGGER} exists. The next write into the body
 * of the database file after that (a chunk: the data of a commit, or of the checkpoint after it) then puts only a
 * prefix of its bytes into the file, prints {@code torn write of X of Y bytes at offset Z of FILE} on stderr, and
 * halts the JVM with {@value #EXIT_CODE}: no shutdown hook, no close, nothing after the torn bytes.
 *
 * <p>That commit cannot have been acknowledged: the writer completes a batch's futures only after its commit (and
 * the fsync after it) returned, and this write never returns.
 */
public final class TornWriteLauncher {

    /** The system property naming the trigger file; the test creates the file when it wants the crash. */
    public static final String TRIGGER = "coedit.tear.trigger";
    /** How the JVM ends after the torn write, so the test can tell it from any other end. */
    public static final int EXIT_CODE = 86;
    /** The H2 file system's scheme: {@code jdbc:h2:tear:/path/name}. */
    public static final String SCHEME = "tear";
    /**
     * H2's MVStore keeps two copies of its file header in the first two 4 KiB blocks and every chunk after them.
     * Only a chunk is torn: that is where a commit's bytes go.
     */
    private static final long FIRST_CHUNK_OFFSET = 2 * 4096;

    private TornWriteLauncher() {
    }

    public static void main(String[] args) throws Exception {
        String trigger = System.getProperty(TRIGGER);
        if (trigger == null || trigger.isBlank()) {
            System.err.println("coedit: " + TornWriteLauncher.class.getSimpleName() + " needs -D" + TRIGGER + "=FILE");
            System.exit(2);
        }
        TearingPath.trigger = Path.of(trigger);
        FilePath.register(new TearingPath());
        dev.coedit.standalone.Main.main(args);
    }

    /** {@code tear:/path}: the plain file {@code /path}, whose database file's channel may tear a write. */
    public static final class TearingPath extends FilePathWrapper {

        /** Set once, before H2 opens anything. */
        static volatile Path trigger;

        /** For H2, which makes one per path by reflection. */
        public TearingPath() {
        }

        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileChannel open(String mode) throws IOException {
            FileChannel channel = getBase().open(mode);
            return name.endsWith(".mv.db") ? new TearingChannel(channel, getBase().toString()) : channel;
        }
    }

    /** Passes every call to the real channel, except the write that the trigger tears. */
    static final class TearingChannel extends FileBase {

        private final FileChannel base;
        private final String file;
        /** Once seen, the trigger file is not looked for again. */
        private volatile boolean armed;

        TearingChannel(FileChannel base, String file) {
            this.base = base;
            this.file = file;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (position >= FIRST_CHUNK_OFFSET && src.remaining() >= 2 && armed()) {
                tear(src, position);
            }
            return base.write(src, position);
        }

        private boolean armed() {
            if (!armed && Files.exists(TearingPath.trigger)) {
                armed = true;
            }
            return armed;
        }

        /**
         * Writes a prefix of the buffer and ends the JVM. The prefix is odd, so never a whole number of 512-byte
         * sectors or 4 KiB blocks: the file ends up with a chunk whose header may be whole but whose footer is not.
         */
        private void tear(ByteBuffer src, long position) throws IOException {
            int total = src.remaining();
            int torn = (total / 2) | 1;
            ByteBuffer prefix = src.duplicate();
            prefix.limit(prefix.position() + torn);
            int written = 0;
            for (int i = 0; i < 1_000 && prefix.hasRemaining(); i++) {
                written += base.write(prefix, position + written);
            }
            System.err.println("torn write of " + written + " of " + total + " bytes at offset " + position + " of "
                    + file);
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return base.write(src);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            base.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return base.lock(position, size, shared);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return base.map(mode, position, size);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }

        @Override
        public String toString() {
            return SCHEME + ":" + file;
        }
    }
}
