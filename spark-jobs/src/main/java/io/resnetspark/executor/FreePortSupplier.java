package io.resnetspark.executor;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * The UDP port this JVM's Aeron endpoint binds for gradient sharing: the first free port of the
 * configured range, searched from an offset derived from the process id. DL4J's
 * {@code StaticPortSupplier} ignores the port it is given and returns 49876 in every JVM, so two
 * executors on one host collide and gradient sharing silently learns nothing.
 *
 * <p>The answer is fixed for the life of the JVM (DL4J may ask more than once and must get the same
 * port). Starting the search at a per-process offset keeps two JVMs that probe at the same moment
 * (before either has bound) from choosing the same port.
 */
public final class FreePortSupplier implements PortSupplier {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Integer> CHOSEN = new ConcurrentHashMap<>();

    private final int from;
    private final int to;

    public FreePortSupplier(int from, int to) {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("bad port range " + from + "-" + to);
        }
        this.from = from;
        this.to = to;
    }

    @Override
    public int getPort() {
        return CHOSEN.computeIfAbsent(from + "-" + to, k -> pick(from, to, ProcessHandle.current().pid()));
    }

    /** The first port of [from, to] that is free for UDP, starting at an offset chosen by {@code pid}. */
    static int pick(int from, int to, long pid) {
        int size = to - from + 1;
        int start = (int) Math.floorMod(pid * 7919L, size);
        for (int i = 0; i < size; i++) {
            int port = from + (start + i) % size;
            if (udpFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free UDP port in " + from + "-" + to
                + " for gradient sharing; widen 'train.sharing.ports'");
    }

    static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
