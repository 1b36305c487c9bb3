package dev.coedit.standalone;

import dev.coedit.CoeditConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What the command line asks for. Flags win over {@code coedit.*} system properties, which win over
 * {@code COEDIT_*} environment variables, which win over the defaults of {@link CoeditConfig}.
 */
sealed interface CommandLine {

    String USAGE = """
            Usage: java -jar coedit-standalone.jar [--host HOST] [--port PORT] [--data-dir DIR] [--tls-keystore FILE]
                                                   [--auth open|jwt] [--db-url JDBC-URL]

              --host HOST           address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
              --port PORT           port to listen on, 0 for any free port (default 8080)
              --data-dir DIR        folder for the documents (default ./data)
              --tls-keystore FILE   serve https:// and wss:// with the key in this PKCS12 file; its password
                                    comes from COEDIT_TLS_PASSWORD or -Dcoedit.tls.password
              --auth open|jwt       who may connect (default open): open = no sign-in, only on 127.0.0.1;
                                    jwt = signed tokens, the key from COEDIT_JWT_SECRET (HS256) or
                                    COEDIT_JWT_PUBLIC_KEY (a PEM file, RS256)
              --db-url URL          keep documents in this database, e.g. jdbc:postgresql://host/coedit
                                    (user and password from COEDIT_DB_USER and COEDIT_DB_PASSWORD); by
                                    default an embedded H2 database in the data folder
              --help                show this help

            Every setting can also be given as a system property (-Dcoedit.port=8081) or an environment
            variable (COEDIT_PORT=8081); see the README for the full list.""";

    /** Print {@link #USAGE} and exit. */
    record Help() implements CommandLine {
    }

    /** Start a server with this configuration, over TLS when {@code tls} is present. */
    record Serve(CoeditConfig config, Optional<Tls> tls) implements CommandLine {
    }

    /**
     * @param args       the program's arguments: {@code --name value} or {@code --name=value}
     * @param properties where {@code coedit.*} settings are read
     * @param env        where {@code COEDIT_*} settings are read
     * @throws UsageException naming the flag or setting and the bad value
     */
    static CommandLine parse(List<String> args, Properties properties, Map<String, String> env)
            throws UsageException {
        String host = null;
        Integer port = null;
        Path dataDir = null;
        Path tlsKeystore = null;
        String auth = null;
        String dbUrl = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new Help();
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument \"" + arg + "\" (see --help)");
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (!List.of("--host", "--port", "--data-dir", "--tls-keystore", "--auth", "--db-url").contains(name)) {
                throw new UsageException("unknown flag " + name + " (see --help)");
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException(name + " needs a value (see --help)");
            }
            switch (name) {
                case "--host" -> host = host(value);
                case "--port" -> port = port(value);
                case "--data-dir" -> dataDir = dataDir(value);
                case "--tls-keystore" -> tlsKeystore = dataDir(value);
                case "--auth" -> auth = value;
                case "--db-url" -> dbUrl = value;
                default -> throw new IllegalStateException("flag " + name + " passed the check above");
            }
        }

        CoeditConfig config;
        try {
            if (auth != null || dbUrl != null) {
                properties = (Properties) properties.clone();
                if (auth != null) {
                    properties.setProperty("coedit.auth", auth);
                }
                if (dbUrl != null) {
                    properties.setProperty("coedit.db.url", dbUrl);
                }
            }
            config = CoeditConfig.from(properties, env);
        } catch (InvalidPathException e) { // an IllegalArgumentException too, without the setting's name
            throw new UsageException("setting data.dir is not a path: " + e.getMessage()
                    + " (check COEDIT_DATA_DIR and -Dcoedit.data.dir)");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + " (check the COEDIT_* environment variables and -Dcoedit.*)");
        }
        if (host != null) {
            config = config.withHost(host);
        }
        if (port != null) {
            config = config.withPort(port);
        }
        if (dataDir != null) {
            config = config.withDataDir(dataDir);
        }
        if (config.security().openMode() && !isLoopback(config.host())) {
            throw new UsageException("open mode (no sign-in) is only allowed on 127.0.0.1, and --host is "
                    + config.host() + ": use --auth jwt with COEDIT_JWT_SECRET, or --host 127.0.0.1");
        }
        return new Serve(config, Tls.from(tlsKeystore, properties, env));
    }

    private static String host(String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException("--host needs an address or a host name, was empty");
        }
        return value.trim();
    }

    private static int port(String value) throws UsageException {
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--port must be a number from 0 to 65535, was \"" + value + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be a number from 0 to 65535, was " + port);
        }
        return port;
    }

    private static Path dataDir(String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException("--data-dir needs a folder, was empty");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException("--data-dir is not a path: " + e.getMessage());
        }
    }

    /**
     * Whether the server would listen on loopback only. A host that does not resolve is an error here: taking it for
     * loopback would let open mode pass a check it cannot answer.
     */
    private static boolean isLoopback(String host) throws UsageException {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new UsageException("unknown host \"" + host + "\" (try --host 127.0.0.1)");
        }
    }
}
