package io.resnetspark.export;

import io.resnetspark.storage.Secrets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a configuration map fit to publish: values under credential-like keys become "****", and
 * those values are also cut out wherever else they appear (a key pasted into a URI, say).
 */
public final class Masking {
    public static final String MASK = "****";

    private Masking() {
    }

    public static Object mask(Object config) {
        Set<String> secrets = new HashSet<>();
        collect(config, null, secrets);
        return mask(config, null, secrets);
    }

    private static void collect(Object v, String key, Set<String> out) {
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> collect(x, String.valueOf(k), out));
        } else if (v instanceof List<?> l) {
            l.forEach(x -> collect(x, key, out));
        } else if (key != null && Secrets.isSecretKey(key) && v != null && v.toString().length() >= 4) {
            out.add(v.toString());
        }
    }

    private static Object mask(Object v, String key, Set<String> secrets) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), mask(x, String.valueOf(k), secrets)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(mask(x, key, secrets)));
            return out;
        }
        if (key != null && Secrets.isSecretKey(key)) {
            return MASK;
        }
        if (v instanceof String s) {
            String r = s;
            for (String secret : secrets) {
                r = r.replace(secret, MASK);
            }
            return Secrets.redact(r);
        }
        return v;
    }
}
