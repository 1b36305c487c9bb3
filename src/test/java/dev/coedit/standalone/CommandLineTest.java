package dev.coedit.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.CoeditConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private static final Properties NO_PROPERTIES = new Properties();
    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void noArgumentsMeansTheDefaults() throws Exception {
        CoeditConfig config = serve(List.of(), NO_PROPERTIES, NO_ENV);

        assertEquals("127.0.0.1", config.host());
        assertEquals(8080, config.port());
        assertEquals(Path.of("data"), config.dataDir());
    }

    @Test
    void flagsSetHostPortAndDataDir() throws Exception {
        CoeditConfig config = serve(List.of("--host", "localhost", "--port", "0", "--data-dir", "/tmp/docs"),
                NO_PROPERTIES, NO_ENV);

        assertEquals("localhost", config.host());
        assertEquals(0, config.port());
        assertEquals(Path.of("/tmp/docs"), config.dataDir());
    }

    @Test
    void flagsAlsoTakeTheEqualsForm() throws Exception {
        CoeditConfig config = serve(List.of("--port=9001", "--data-dir=d"), NO_PROPERTIES, NO_ENV);

        assertEquals(9001, config.port());
        assertEquals(Path.of("d"), config.dataDir());
    }

    @Test
    void environmentAndPropertiesApplyWhenNoFlagIsGiven() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("coedit.data.dir", "from-property");
        CoeditConfig config = serve(List.of(), properties, Map.of("COEDIT_PORT", "9002", "COEDIT_HOST", "::1"));

        assertEquals(9002, config.port());
        assertEquals("::1", config.host());
        assertEquals(Path.of("from-property"), config.dataDir());
    }

    @Test
    void aFlagWinsOverTheEnvironment() throws Exception {
        CoeditConfig config = serve(List.of("--port", "9003"), NO_PROPERTIES, Map.of("COEDIT_PORT", "9002"));

        assertEquals(9003, config.port());
    }

    @Test
    void settingsWithoutAFlagComeFromTheEnvironment() throws Exception {
        CoeditConfig config = serve(List.of("--port", "0"), NO_PROPERTIES, Map.of("COEDIT_MAX_MESSAGE_BYTES", "2048"));

        assertEquals(2048, config.maxMessageBytes());
    }

    @Test
    void helpWinsOverEverythingElse() throws Exception {
        assertInstanceOf(CommandLine.Help.class, CommandLine.parse(List.of("--port", "1", "--help"), NO_PROPERTIES,
                Map.of("COEDIT_PORT", "not a number")));
        assertInstanceOf(CommandLine.Help.class, CommandLine.parse(List.of("-h"), NO_PROPERTIES, NO_ENV));
        assertTrue(CommandLine.USAGE.contains("--data-dir"));
    }

    @Test
    void openModeIsTheDefaultAndOnlyOnLoopback() throws Exception {
        assertEquals(List.of("open"), serve(List.of(), NO_PROPERTIES, NO_ENV).security().auth());
        assertEquals("open mode (no sign-in) is only allowed on 127.0.0.1, and --host is 0.0.0.0: use --auth jwt with"
                + " COEDIT_JWT_SECRET, or --host 127.0.0.1", failure("--host", "0.0.0.0"));
    }

    @Test
    void aHostThatDoesNotResolveIsNamedInsteadOfTakenForLoopback() {
        // .invalid never resolves (RFC 2606).
        assertEquals("unknown host \"no-such-host.invalid\" (try --host 127.0.0.1)",
                failure("--host", "no-such-host.invalid"));
    }

    @Test
    void signedTokensNeedAKeyAndThenMayListenAnywhere() throws Exception {
        assertEquals("auth jwt needs one key: set jwt.secret (COEDIT_JWT_SECRET) or jwt.public.key (a PEM file with an"
                + " RSA public key), not both (check the COEDIT_* environment variables and -Dcoedit.*)",
                failure("--auth", "jwt"));
        CoeditConfig config = serve(List.of("--auth", "jwt", "--host", "0.0.0.0"), NO_PROPERTIES,
                Map.of("COEDIT_JWT_SECRET", "0123456789abcdef0123456789abcdef"));
        assertEquals(List.of("jwt"), config.security().auth());
        assertFalse(config.security().toString().contains("0123456789abcdef"), "the secret is not logged");
        assertEquals("jwt.secret must be at least 32 bytes (256 bits) for HS256 (check the COEDIT_* environment"
                + " variables and -Dcoedit.*)", failureWith(Map.of("COEDIT_JWT_SECRET", "short"), "--auth", "jwt"));
    }

    @Test
    void theMessageRatesPerUserAndPerAddressAreMultiplesOfThePerConnectionRateUnlessSet() throws Exception {
        CoeditConfig defaults = serve(List.of(), NO_PROPERTIES, NO_ENV);
        assertEquals(400, defaults.security().ratePerSecondPerUser());
        assertEquals(2000, defaults.security().ratePerSecondPerAddress());

        CoeditConfig faster = serve(List.of(), NO_PROPERTIES, Map.of("COEDIT_RATE_PER_SECOND", "50"));
        assertEquals(200, faster.security().ratePerSecondPerUser(), "four times the connection's rate");
        assertEquals(1000, faster.security().ratePerSecondPerAddress(), "twenty times the connection's rate");

        CoeditConfig set = serve(List.of(), NO_PROPERTIES, Map.of("COEDIT_RATE_PER_SECOND_PER_USER", "7",
                "COEDIT_RATE_PER_SECOND_PER_ADDRESS", "9"));
        assertEquals(7, set.security().ratePerSecondPerUser());
        assertEquals(9, set.security().ratePerSecondPerAddress());
        assertEquals("message rates must be positive, were 0 per user and 2000 per address (check the COEDIT_*"
                + " environment variables and -Dcoedit.*)",
                failureWith(Map.of("COEDIT_RATE_PER_SECOND_PER_USER", "0")));
    }

    @Test
    void theDatabaseComesFromAFlagOrTheEnvironmentAndThePasswordOnlyFromTheEnvironment() throws Exception {
        CoeditConfig config = serve(List.of("--db-url", "jdbc:postgresql://127.0.0.1/coedit"), NO_PROPERTIES,
                Map.of("COEDIT_DB_USER", "coedit", "COEDIT_DB_PASSWORD", "s3cret"));
        assertEquals("jdbc:postgresql://127.0.0.1/coedit", config.storage().dbUrl());
        assertEquals("coedit", config.storage().dbUser());
        assertEquals("s3cret", config.storage().dbPassword());
        assertFalse(config.storage().toString().contains("s3cret"));
        assertEquals(null, serve(List.of(), NO_PROPERTIES, NO_ENV).storage().dbUrl(), "H2 in the data folder");
    }

    @Test
    void anUnknownFlagIsNamed() {
        assertEquals("unknown flag --prot (see --help)", failure("--prot", "8080"));
        assertEquals("unknown flag --bogus (see --help)", failure("--bogus=1"));
    }

    @Test
    void aPositionalArgumentIsRejected() {
        assertEquals("unexpected argument \"8080\" (see --help)", failure("8080"));
    }

    @Test
    void aFlagWithoutItsValueIsNamed() {
        assertEquals("--port needs a value (see --help)", failure("--port"));
        assertEquals("--data-dir needs a folder, was empty", failure("--data-dir="));
        assertEquals("--host needs an address or a host name, was empty", failure("--host", " "));
    }

    @Test
    void aPortMustBeANumberInRange() {
        assertEquals("--port must be a number from 0 to 65535, was \"http\"", failure("--port", "http"));
        assertEquals("--port must be a number from 0 to 65535, was 65536", failure("--port", "65536"));
        assertEquals("--port must be a number from 0 to 65535, was -1", failure("--port", "-1"));
    }

    @Test
    void aBadEnvironmentSettingIsNamedWithItsValue() {
        String message = assertThrows(UsageException.class,
                () -> CommandLine.parse(List.of(), NO_PROPERTIES, Map.of("COEDIT_PORT", "eighty"))).getMessage();

        assertTrue(message.startsWith("setting port must be a whole number, was \"eighty\""), message);
        assertTrue(message.contains("COEDIT_"), message);
    }

    @Test
    void anEnvironmentValueOutOfRangeIsNamed() {
        String message = assertThrows(UsageException.class,
                () -> CommandLine.parse(List.of(), NO_PROPERTIES, Map.of("COEDIT_PORT", "70000"))).getMessage();

        assertTrue(message.contains("port must be 0..65535, was 70000"), message);
    }

    @Test
    void everyErrorIsOneLine() {
        for (String[] args : List.of(new String[] {"--x"}, new String[] {"--port", "y"}, new String[] {"z"})) {
            assertFalse(failure(args).contains("\n"));
        }
    }

    private static CoeditConfig serve(List<String> args, Properties properties, Map<String, String> env)
            throws UsageException {
        return assertInstanceOf(CommandLine.Serve.class, CommandLine.parse(args, properties, env)).config();
    }

    private static String failureWith(Map<String, String> env, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse(List.of(args), NO_PROPERTIES,
                env));
        return e.getMessage();
    }

    private static String failure(String... args) {
        return assertThrows(UsageException.class, () -> CommandLine.parse(List.of(args), NO_PROPERTIES, NO_ENV))
                .getMessage();
    }
}
