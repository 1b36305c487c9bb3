package dev.coedit.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS for the standalone server: {@code https://} and {@code wss://} from a PKCS12 keystore. The keystore comes from
 * the flag {@code --tls-keystore}, the property {@code coedit.tls.keystore} or {@code COEDIT_TLS_KEYSTORE}; its
 * password only from {@code coedit.tls.password} or {@code COEDIT_TLS_PASSWORD}, never a flag, so that it does not
 * show in the process list. Containers (Payara, WildFly) terminate TLS themselves.
 *
 * @param keystore a PKCS12 file holding the server's key and certificate chain
 */
record Tls(Path keystore, char[] password) {

    /** Reads the settings; empty when no keystore is configured (plain HTTP). */
    static java.util.Optional<Tls> from(Path flag, Properties properties, Map<String, String> env)
            throws UsageException {
        Path keystore = flag;
        if (keystore == null) {
            String setting = setting(properties, env, "tls.keystore");
            keystore = setting == null ? null : Path.of(setting);
        }
        if (keystore == null) {
            return java.util.Optional.empty();
        }
        String password = setting(properties, env, "tls.password");
        if (password == null) {
            throw new UsageException("a TLS keystore is set (" + keystore + ") but no password: set COEDIT_TLS_PASSWORD"
                    + " or -Dcoedit.tls.password");
        }
        return java.util.Optional.of(new Tls(keystore, password.toCharArray()));
    }

    /**
     * Loads the keystore into a server SSLContext.
     *
     * @throws StartupException naming the file and what is wrong with it, in one line
     */
    SSLContext context() throws StartupException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            if (!store.aliases().hasMoreElements()) {
                throw new StartupException("the TLS keystore " + keystore + " holds no key");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (NoSuchFileException e) {
            throw new StartupException("the TLS keystore " + keystore + " does not exist");
        } catch (IOException e) {
            // PKCS12 reports a wrong password as an IOException caused by UnrecoverableKeyException.
            boolean wrongPassword = e.getCause() instanceof UnrecoverableKeyException;
            throw new StartupException("cannot read the TLS keystore " + keystore + ": "
                    + (wrongPassword ? "wrong password" : e.getMessage()));
        } catch (GeneralSecurityException e) {
            throw new StartupException("cannot use the TLS keystore " + keystore + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "Tls[keystore=" + keystore + "]"; // never the password
    }

    private static String setting(Properties properties, Map<String, String> env, String name) {
        String value = properties.getProperty("coedit." + name);
        if (value == null) {
            value = env.get("COEDIT_" + name.toUpperCase().replace('.', '_'));
        }
        return value == null || value.isBlank() ? null : value;
    }
}
