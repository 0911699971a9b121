package io.resnetspark.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of everything the product writes. Values of the known credential variables
 * are replaced wherever they appear, and key-like settings are masked when configurations are shown.
 */
public final class Secrets {
    private static final String[] VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|access\\.key|session\\.token|credential).*");

    private Secrets() {
    }

    /** True for a setting name whose value must never be shown. */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String value : knownValues()) {
            out = out.replace(value, "****");
        }
        return out;
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
