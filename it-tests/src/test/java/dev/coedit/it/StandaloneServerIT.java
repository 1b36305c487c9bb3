package dev.coedit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.support.ServerUnderTest;
import dev.coedit.it.support.StandaloneProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The standalone runtime from outside: what it serves, where it listens, how it fails and how it stops. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class StandaloneServerIT {

    /**
     * HTTP/1.1 as a browser speaks it to an http:// address. The client's default, HTTP/2, asks for an h2c upgrade,
     * which Grizzly treats like any upgrade: the answer comes without Content-Type and Content-Length.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servesThePageAtTheApplicationsAddress(ServerUnderTest server) throws Exception {
        HttpResponse<String> response = get(server.httpUri());

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("Coedit"), response.body());
    }

    @Test
    void redirectsTheSiteRootToThePage(ServerUnderTest server) throws Exception {
        URI siteRoot = server.process().httpUri().resolve("/");

        HttpResponse<String> response = get(siteRoot);

        assertEquals(302, response.statusCode());
        assertEquals("/coedit/", response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void listensOnLoopbackOnlyByDefault(ServerUnderTest server) throws Exception {
        StandaloneProcess process = server.process();
        assertEquals("127.0.0.1", process.httpUri().getHost(), "the address it printed");

        // 127.0.0.2 is this machine too (all of 127/8 is loopback on Linux), but not the address the server bound:
        // a server on 0.0.0.0 would answer there. Another interface's address would prove the same, but this one
        // keeps the test's traffic on loopback.
        InetAddress otherLocal = InetAddress.getByName("127.0.0.2");
        if (isLocal(otherLocal)) {
            try (Socket socket = new Socket()) {
                assertThrows(ConnectException.class,
                        () -> socket.connect(new InetSocketAddress(otherLocal, process.port()), 5_000));
            }
        } else {
            System.out.println("127.0.0.2 is not an address of this machine; checked the printed address only");
        }
    }

    @Test
    void aSecondServerOnTheSamePortExitsWith2AndOneLine(ServerUnderTest server, @TempDir Path otherData)
            throws Exception {
        int port = server.process().port();

        StandaloneProcess.Finished second =
                StandaloneProcess.run("--port", Integer.toString(port), "--data-dir", otherData.toString());

        assertEquals(2, second.exitCode());
        assertOneLineWithoutStackTrace(second);
        assertTrue(second.stderr().contains(Integer.toString(port)), second.stderr());
        assertFalse(second.stdout().contains("Coedit is running"), second.stdout());
        assertEquals(200, statusOf(server.httpUri()), "the first server still serves");
    }

    @Test
    void anUnknownFlagExitsWith2AndOneLine() {
        StandaloneProcess.Finished run = StandaloneProcess.run("--prot", "8080");

        assertEquals(2, run.exitCode());
        assertOneLineWithoutStackTrace(run);
        assertTrue(run.stderr().contains("--prot"), run.stderr());
    }

    @Test
    void aPortOutOfRangeExitsWith2AndOneLine() {
        StandaloneProcess.Finished run = StandaloneProcess.run("--port", "70000");

        assertEquals(2, run.exitCode());
        assertOneLineWithoutStackTrace(run);
        assertTrue(run.stderr().contains("70000"), run.stderr());
    }

    @Test
    void anUnreachableDatabaseExitsWith2AndOneLine(@TempDir Path data) {
        StandaloneProcess.Finished run = StandaloneProcess.run("--port", "0", "--data-dir", data.toString(),
                "--db-url", "jdbc:postgresql://127.0.0.1:9/coedit");

        assertEquals(2, run.exitCode(), run.stderr());
        assertOneLineWithoutStackTrace(run);
        assertTrue(run.stderr().contains("jdbc:postgresql://127.0.0.1:9/coedit"), run.stderr());
    }

    @Test
    void aCorruptDatabaseFileExitsWith2AndOneLine(@TempDir Path data) throws Exception {
        java.nio.file.Files.write(data.resolve("coedit.mv.db"), "this is not an H2 database at all, just text\n"
                .repeat(200).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        StandaloneProcess.Finished run = StandaloneProcess.run("--port", "0", "--data-dir", data.toString());

        assertEquals(2, run.exitCode(), run.stderr());
        assertOneLineWithoutStackTrace(run);
        assertTrue(run.stderr().contains(data.toString()), run.stderr());
    }

    /**
     * Tests run as root here, whom permissions do not stop, so the folders are ones no one can write: one that cannot
     * be made (under /proc), a file where the folder should be, and a folder that exists but takes no new file
     * (/proc itself).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a folder that cannot be made", "a file in the folder's place",
        "a folder that takes no file"})
    void anUnwritableDataFolderExitsWith2AndOneLineThatNamesItAndSaysWhy(String which, @TempDir Path temp)
            throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        Path folder;
        String why;
        switch (which) {
            case "a folder that cannot be made" -> {
                folder = Path.of("/proc/coedit-unwritable");
                why = "cannot be created: no such file or directory";
            }
            case "a file in the folder's place" -> {
                folder = Files.writeString(temp.resolve("data"), "not a folder");
                why = "cannot be created: " + folder + " exists and is not a folder";
            }
            default -> {
                folder = Path.of("/proc");
                why = "is not writable: no file can be created in it (no such file or directory)";
            }
        }

        StandaloneProcess.Finished run = StandaloneProcess.run("--port", "0", "--data-dir", folder.toString());

        assertEquals(2, run.exitCode(), run.stderr());
        assertOneLineWithoutStackTrace(run);
        assertEquals("coedit: data folder " + folder + " " + why, run.stderrLines().get(0));
        assertFalse(run.stdout().contains("Coedit is running"), run.stdout());
    }

    @Test
    void sigtermStopsItCleanlyWithExitCode0(@TempDir Path data) throws Exception {
        try (StandaloneProcess process = StandaloneProcess.start(0, data)) {
            assertEquals(200, statusOf(process.httpUri()));

            int exitCode = process.stop();

            assertEquals(0, exitCode, process.stderr());
            assertTrue(process.stdout().contains("Coedit stopped"), process.stdout());
            assertFalse(process.stderr().contains("Exception"), process.stderr());
        }
    }

    @Test
    void aKilledServerRestartsOnTheSamePortAndDataFolder(@TempDir Path data) throws Exception {
        try (StandaloneProcess process = StandaloneProcess.start(0, data)) {
            URI before = process.httpUri();

            process.kill();
            assertFalse(process.isAlive());
            process.restart();

            assertEquals(before, process.httpUri());
            assertEquals(200, statusOf(process.httpUri()));
        }
    }

    private static void assertOneLineWithoutStackTrace(StandaloneProcess.Finished run) {
        List<String> lines = run.stderrLines();
        assertEquals(1, lines.size(), "stderr: " + run.stderr());
        assertTrue(lines.get(0).startsWith("coedit: "), lines.get(0));
        assertFalse(run.stderr().contains("Exception"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), run.stderr());
    }

    /** Whether the address belongs to this machine: only then can a server listen there. */
    private static boolean isLocal(InetAddress address) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int statusOf(URI uri) throws Exception {
        return get(uri).statusCode();
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
