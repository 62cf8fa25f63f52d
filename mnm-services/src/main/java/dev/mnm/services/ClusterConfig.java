package dev.mnm.services;

import dev.mnm.net.Keys;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where every node of a cluster lives and which public key speaks for each process: a properties
 * file, with each process's private key in a file of its own beside it.
 *
 * <pre>
 * processes=3
 * memories=3
 * memory.1=127.0.0.1:7201          # one line per memory node
 * process.1=127.0.0.1:7379         # RESP address of each process node
 * process.1.public-key=MCowBQYDK2VwAyEA…
 * </pre>
 * and {@code process-1.key} (base64 PKCS#8) next to it.
 */
public record ClusterConfig(int processes, int memories, Map<Integer, InetSocketAddress> memoryAddresses,
                            Map<Integer, InetSocketAddress> processAddresses, Map<Integer, PublicKey> keys) {

    /** Writes a configuration for a cluster on 127.0.0.1, with fresh keys, into {@code dir}; returns its file. */
    /** The configuration's file name in its directory. */
    public static final String FILE_NAME = "mnm.properties";

    public static Path generate(Path dir, int n, int m, int respPort, int memoryPort) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("processes", Integer.toString(n));
        p.setProperty("memories", Integer.toString(m));
        for (int i = 1; i <= m; i++) {
            p.setProperty("memory." + i, "127.0.0.1:" + (memoryPort + i - 1));
        }
        for (int q = 1; q <= n; q++) {
            KeyPair k = Keys.generate();
            p.setProperty("process." + q, "127.0.0.1:" + (respPort + q - 1));
            p.setProperty("process." + q + ".public-key", Keys.encode(k.getPublic()));
            Path secret = dir.resolve("process-" + q + ".key");
            Files.writeString(secret, Keys.encode(k.getPrivate()) + "\n");
            try {
                Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort
            }
        }
        Path file = dir.resolve(FILE_NAME);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "mnm cluster: memory nodes, process nodes (RESP) and the processes' public keys");
        }
        return file;
    }

    /** Reads {@code file}; an error names the entry that is wrong. */
    public static ClusterConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        int n = number(p, "processes", 1, 63);
        int m = number(p, "memories", 1, 63);
        Map<Integer, InetSocketAddress> mem = new HashMap<>();
        Map<Integer, InetSocketAddress> proc = new HashMap<>();
        Map<Integer, PublicKey> keys = new HashMap<>();
        for (int i = 1; i <= m; i++) {
            mem.put(i, address(p, "memory." + i));
        }
        for (int q = 1; q <= n; q++) {
            proc.put(q, address(p, "process." + q));
            String k = required(p, "process." + q + ".public-key");
            try {
                keys.put(q, Keys.publicKey(k));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("process." + q + ".public-key: " + e.getMessage());
            }
        }
        return new ClusterConfig(n, m, Map.copyOf(mem), Map.copyOf(proc), Map.copyOf(keys));
    }

    /** Process {@code p}'s private key, from {@code process-p.key} beside the configuration file. */
    public static PrivateKey privateKey(Path configFile, int p) throws IOException {
        Path secret = configFile.toAbsolutePath().getParent().resolve("process-" + p + ".key");
        if (!Files.exists(secret)) {
            throw new IllegalArgumentException("no private key for process " + p + ": expected " + secret.getFileName()
                    + " beside the configuration");
        }
        return Keys.privateKey(Files.readString(secret).trim());
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return v.trim();
    }

    private static int number(Properties p, String key, int lo, int hi) {
        String v = required(p, key);
        try {
            int x = Integer.parseInt(v);
            if (x < lo || x > hi) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number from " + lo + " to " + hi + ": " + v);
        }
    }

    static InetSocketAddress address(Properties p, String key) {
        return parseAddress(key, required(p, key));
    }

    /** HOST:PORT. */
    public static InetSocketAddress parseAddress(String what, String v) {
        int colon = v.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            int port = Integer.parseInt(v.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(v.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be HOST:PORT: '" + v + "'");
        }
    }
}
