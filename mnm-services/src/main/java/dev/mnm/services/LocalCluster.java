package dev.mnm.services;

import dev.mnm.net.Keys;
import dev.mnm.net.MemoryNode;
import dev.mnm.protocols.log.ReplicatedLog;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole cluster on 127.0.0.1 in one JVM — m memory nodes and n process nodes, keys generated on
 * the spot — every part talking to the others over TCP as separate machines would.
 */
public final class LocalCluster implements AutoCloseable {
    /**
     * Slot registers per memory. The log reuses them (a snapshot of the state every 32,768
     * positions), so this bounds a memory node's log to 65,536 entries, not the commands served.
     */
    public static final int SLOTS = 1 << 16;

    /**
     * Network defaults (time units are microseconds): heartbeat every 100 ms, suspect after 3 silent
     * ticks; followers read 64 slots every 5 ms while the log moves, backing off to every 200 ms when
     * idle.
     */
    public static ReplicatedLog.Config config(int fM) {
        return new ReplicatedLog.Config(fM, SLOTS, 100_000, 3, 5_000, 64, 200_000);
    }

    private final MemoryNode[] memoryNodes;
    private final KvNode[] processNodes;
    private final dev.mnm.core.MemoryLayout layout;
    private final int slots;
    private final Map<Integer, PublicKey> publicKeys = new HashMap<>();
    private final Map<Integer, InetSocketAddress> memoryAddresses = new HashMap<>();
    private final Map<Integer, InetSocketAddress> respAddresses = new HashMap<>();
    private final KeyPair[] keys;
    private final ReplicatedLog.Config cfg;

    private LocalCluster(int n, int m, int respBase, ReplicatedLog.Config cfg) throws InterruptedException {
        this.cfg = cfg;
        keys = new KeyPair[n + 1];
        for (int p = 1; p <= n; p++) {
            keys[p] = Keys.generate();
            publicKeys.put(p, keys[p].getPublic());
        }
        layout = ReplicatedLog.layout(n, cfg.slots());
        slots = cfg.slots();
        memoryNodes = new MemoryNode[m + 1];
        processNodes = new KvNode[n + 1];
        try {
            for (int i = 1; i <= m; i++) {
                memoryNodes[i] = MemoryNode.start(i, layout, publicKeys, new InetSocketAddress("127.0.0.1", 0));
                memoryAddresses.put(i, memoryNodes[i].address());
            }
            for (int p = 1; p <= n; p++) {
                processNodes[p] = KvNode.start(p, n, memoryAddresses, keys[p].getPrivate(),
                        new InetSocketAddress("127.0.0.1", respBase == 0 ? 0 : respBase + p - 1), cfg);
                respAddresses.put(p, processNodes[p].respAddress());
            }
            for (int p = 1; p <= n; p++) {
                processNodes[p].peers(respAddresses);
            }
        } catch (Exception e) { // also a busy port, which Netty throws unchecked
            close();
            throw e;
        }
    }

    /** Starts n process nodes and m memory nodes; RESP ports from {@code respBase} (0: any free ports). */
    public static LocalCluster start(int n, int m, int respBase) throws InterruptedException {
        return new LocalCluster(n, m, respBase, config((m - 1) / 2));
    }

    /** Starts a cluster with a log configuration of the caller's (tests: a small log that wraps often). */
    static LocalCluster start(int n, int m, ReplicatedLog.Config cfg) throws InterruptedException {
        return new LocalCluster(n, m, 0, cfg);
    }

    public InetSocketAddress respAddress(int p) {
        return respAddresses.get(p);
    }

    public KvNode process(int p) {
        return processNodes[p];
    }

    public MemoryNode memory(int i) {
        return memoryNodes[i];
    }

    public int processes() {
        return processNodes.length - 1;
    }

    /** Kills process node p (it stops at once). */
    public void killProcess(int p) {
        processNodes[p].close();
    }

    /** Starts process node p again on its old RESP port: a new incarnation that remembers nothing. */
    public void restartProcess(int p) throws InterruptedException {
        processNodes[p] = KvNode.start(p, processNodes.length - 1, memoryAddresses, keys[p].getPrivate(),
                respAddresses.get(p), cfg);
        processNodes[p].peers(respAddresses);
    }

    /** Kills memory node i: its connections drop and it answers nothing more. */
    public void killMemory(int i) {
        memoryNodes[i].close();
    }

    /**
     * Starts memory node i again on its old address: a new, empty memory (a new incarnation),
     * marked as restarted, which the log counts again once its leader has copied the log into it.
     */
    public void restartMemory(int i) throws InterruptedException {
        int n = processNodes.length - 1;
        memoryNodes[i] = MemoryNode.restart(i, layout, publicKeys, memoryAddresses.get(i),
                memory -> ReplicatedLog.bootRestarted(memory, n, slots));
    }

    @Override
    public void close() {
        for (KvNode k : processNodes) {
            if (k != null) {
                k.close();
            }
        }
        for (MemoryNode mn : memoryNodes) {
            if (mn != null) {
                mn.close();
            }
        }
    }
}
