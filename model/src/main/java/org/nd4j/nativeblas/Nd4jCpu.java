package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Repairs DL4J 1.0.0-M2.1's oneDNN check. {@code BaseMKLDNNHelper.mklDnnEnabled()} reflects on
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.isUseMKLDNN()}, a class the M2.1 CPU backend no
 * longer has (it moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the
 * method became {@code isUseONEDNN()}); without this class every layer silently loses its oneDNN
 * helper. Reflection keeps the CUDA build, which has neither class, compiling.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    public static final class Environment {
        private static final String REAL = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            try {
                Class<?> real = Class.forName(REAL);
                Object env = real.getMethod("getInstance").invoke(null);
                Method m = real.getMethod("isUseONEDNN");
                return (Boolean) m.invoke(env);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
