package io.resnetspark.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.parameterserver.distributed.v2.transport.impl.StaticPortSupplier;

class FreePortSupplierTest {
    private static final int FROM = 45210;
    private static final int TO = 45219;

    @Test
    void dl4jStaticSupplierIgnoresItsPort() {
        // the defect this class works around: every JVM would bind the same UDP port
        assertEquals(49876, new StaticPortSupplier(40200).getPort());
    }

    @Test
    void twoJvmsGetDifferentPortsFromTheRange() throws Exception {
        Process a = probe();
        Process b = null;
        try {
            int pa = firstLine(a);
            b = probe();
            int pb = firstLine(b);
            assertTrue(pa >= FROM && pa <= TO && pb >= FROM && pb <= TO, pa + " " + pb);
            assertNotEquals(pa, pb, "two executor JVMs must not share one Aeron port");
        } finally {
            a.getOutputStream().close();
            a.waitFor();
            if (b != null) {
                b.getOutputStream().close();
                b.waitFor();
            }
        }
    }

    @Test
    void skipsPortsInUseAndAnswersTheSameWithinAJvm() throws Exception {
        int first = FreePortSupplier.pick(FROM, TO, 0);
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(first))) {
            int next = FreePortSupplier.pick(FROM, TO, 0);
            assertNotEquals(first, next);
        }
        FreePortSupplier s = new FreePortSupplier(FROM, TO);
        assertEquals(s.getPort(), new FreePortSupplier(FROM, TO).getPort());
    }

    private static Process probe() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                PortProbe.class.getName(), Integer.toString(FROM), Integer.toString(TO)))
                .redirectErrorStream(true).start();
    }

    private static int firstLine(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.matches("\\d+")) {
                return Integer.parseInt(line);
            }
        }
        throw new AssertionError("the probe JVM printed no port (exit " + p.waitFor() + ")");
    }
}
