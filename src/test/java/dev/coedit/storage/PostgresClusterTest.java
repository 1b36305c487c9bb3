package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * What the build says when PostgreSQL is missing: the PostgreSQL tests are skipped, and the build log (not only the
 * reports) gets one plain line saying so, however many tests were skipped; with {@code -Dcoedit.postgres=required}
 * they fail instead. Runs without PostgreSQL: it never starts a cluster.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PostgresClusterTest {

    @Test
    void withoutPostgresqlEveryTestIsSkippedAndTheLogSaysSoInOneLineOnce() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AtomicBoolean told = new AtomicBoolean();
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            for (int test = 0; test < 3; test++) {
                TestAbortedException skipped = assertThrows(TestAbortedException.class,
                        () -> PostgresCluster.notFound(null, told, out));
                assertTrue(skipped.getMessage().contains(PostgresCluster.NOT_FOUND), skipped.getMessage());
            }
        }
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("PostgreSQL not found (no initdb under /usr/lib/postgresql/*/bin): the PostgreSQL storage"
                + " tests are SKIPPED; install postgresql or see .ci/run"), lines);
    }

    @Test
    void whenPostgresqlIsRequiredItsAbsenceFailsTheTestAndPrintsNothing() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                    () -> PostgresCluster.notFound("required", new AtomicBoolean(), out));
            assertTrue(failed.getMessage().contains("coedit.postgres=required"), failed.getMessage());
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theNewestVersionWithInitdbAndPgCtlIsChosen(@TempDir Path root) throws IOException {
        assertEquals(Optional.empty(), PostgresCluster.binaries(root.resolve("none")), "no folder at all");
        assertEquals(Optional.empty(), PostgresCluster.binaries(root), "an empty folder");
        program(root.resolve("13/bin/initdb"));
        program(root.resolve("13/bin/pg_ctl"));
        program(root.resolve("16/bin/initdb")); // half installed: no pg_ctl
        assertEquals(Optional.of(root.resolve("13/bin")), PostgresCluster.binaries(root));
        program(root.resolve("15/bin/initdb"));
        program(root.resolve("15/bin/pg_ctl"));
        assertEquals(Optional.of(root.resolve("15/bin")), PostgresCluster.binaries(root));
    }

    private static void program(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
