package io.resnetspark.common;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of everything the product writes or prints: the one scrubber. Values of the
 * known credential variables are replaced wherever they appear, values under credential-like keys are
 * masked when configurations are shown, and URIs lose their user-info part.
 */
public final class Secrets {
    public static final String MASK = "****";
    private static final String[] VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|access\\.key|session\\.token|credential).*");

    private Secrets() {
    }

    /** True for a setting name whose value must never be shown. */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** {@code text} with every known credential value replaced. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String value : knownValues()) {
            out = out.replace(value, MASK);
        }
        return out;
    }

    /** A URI fit for a report or a log: no user-info part (where credentials could hide) and no known secret. */
    public static String cleanUri(String uri) {
        try {
            URI u = URI.create(uri.replace(" ", "%20"));
            if (u.getRawUserInfo() != null) {
                uri = new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), u.getFragment())
                        .toString();
            }
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            // not a URI: only the redaction below applies
        }
        return redact(uri);
    }

    /**
     * A configuration (nested maps and lists) fit to publish: values under credential-like keys become
     * {@link #MASK}, and those values are also cut out wherever else they appear (a key pasted into a URI).
     */
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
        } else if (key != null && isSecretKey(key) && v != null && v.toString().length() >= 4) {
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
        if (key != null && isSecretKey(key)) {
            return MASK;
        }
        if (v instanceof String s) {
            String r = s;
            for (String secret : secrets) {
                r = r.replace(secret, MASK);
            }
            return redact(r);
        }
        return v;
    }

    private static List<String> knownValues() {
        List<String> values = new ArrayList<>();
        for (String v : VARIABLES) {
            String s = System.getenv(v);
            if (s != null && s.length() >= 4) {
                values.add(s);
            }
        }
        for (String p : new String[] {"fs.s3a.access.key", "fs.s3a.secret.key", "aws.accessKeyId", "aws.secretKey"}) {
            String s = System.getProperty(p);
            if (s != null && s.length() >= 4) {
                values.add(s);
            }
        }
        return values;
    }
}
