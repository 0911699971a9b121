package io.resnetspark.executor;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * A second JVM for {@link FreePortSupplierTest}: asks the supplier for its port, binds it as Aeron
 * would, prints it, and holds it until its stdin closes.
 */
public final class PortProbe {
    private PortProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = new FreePortSupplier(Integer.parseInt(args[0]), Integer.parseInt(args[1])).getPort();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(port))) {
            System.out.println(port);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the port until the test closes our stdin
            }
        }
    }
}
