package io.resnetspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.resnetspark.common.UserError;
import java.io.File;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The job configuration: {@code defaults.conf} (the documented list of every key) under the user's
 * file, {@code --set key=value} pairs and command-line flags. Every key is checked against the
 * defaults before any Spark work starts, and typed getters turn Typesafe's exceptions into one
 * sentence naming the key.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Sections whose keys are free-form maps passed through to Spark or Hadoop. */
    private static final Set<String> OPEN_SECTIONS = Set.of("spark.conf", "hadoop");

    private final String rendered;
    private transient Config config;

    private JobConfig(Config config) {
        this.config = config;
        this.rendered = config.root().render(ConfigRenderOptions.concise());
    }

    public static Config defaults() {
        return ConfigFactory.parseResources(JobConfig.class, "/defaults.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /**
     * @param file   a HOCON file, or null
     * @param sets   "key=value" overrides
     * @param flags  overrides from command-line flags, already mapped to keys
     */
    public static JobConfig load(File file, List<String> sets, Map<String, String> flags) {
        Config defaults = defaults();
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!file.isFile()) {
                throw new UserError("config file " + file + " does not exist");
            }
            try {
                user = ConfigFactory.parseFile(file);
            } catch (ConfigException e) {
                throw new UserError("config file " + file + " is not valid HOCON: " + e.getMessage());
            }
        }
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new UserError("--set expects key=value, got '" + set + "'");
            }
            user = withValue(user, set.substring(0, eq).trim(), set.substring(eq + 1));
        }
        for (Map.Entry<String, String> f : flags.entrySet()) {
            user = withValue(user, f.getKey(), f.getValue());
        }
        checkKeys(user, defaults);
        Config merged = ConfigFactory.systemEnvironmentOverrides().withFallback(user).withFallback(defaults).resolve();
        JobConfig c = new JobConfig(merged);
        c.checkTypes(defaults);
        return c;
    }

    /** A value from the command line: numbers and booleans stay strings, and the typed getters convert. */
    private static Config withValue(Config c, String key, String value) {
        try {
            String v = value.trim();
            if (v.startsWith("[") && v.endsWith("]")) {
                // a list (pipeline.stages=[prepare,train], prepare.classes=[a,b]) in HOCON's syntax
                try {
                    return c.withValue(key, ConfigFactory.parseString("v = " + v).getValue("v"));
                } catch (ConfigException.Parse e) {
                    throw new UserError("configuration key '" + key + "' given as '" + value + "' is not a valid list");
                }
            }
            return c.withValue(key, ConfigValueFactory.fromAnyRef(value));
        } catch (ConfigException.BadPath e) {
            throw new UserError("'" + key + "' is not a valid configuration key");
        }
    }

    private static void checkKeys(Config user, Config defaults) {
        Set<String> known = leafKeys(defaults);
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String key = e.getKey();
            if (known.contains(key) || OPEN_SECTIONS.stream().anyMatch(s -> key.startsWith(s + "."))) {
                continue;
            }
            throw new UserError("unknown configuration key '" + key + "'" + suggestion(key, known));
        }
    }

    private void checkTypes(Config defaults) {
        for (Map.Entry<String, ConfigValue> d : defaults.entrySet()) {
            String key = d.getKey();
            if (OPEN_SECTIONS.stream().anyMatch(s -> key.startsWith(s + "."))) {
                continue;
            }
            ConfigValueType type = d.getValue().valueType();
            switch (type) {
                case NUMBER -> getDouble(key);
                case BOOLEAN -> getBoolean(key);
                case STRING -> {
                    if (config.getValue(key).valueType() != ConfigValueType.STRING
                            && config.getValue(key).valueType() != ConfigValueType.NUMBER
                            && config.getValue(key).valueType() != ConfigValueType.BOOLEAN) {
                        throw new UserError("configuration key '" + key + "' must be a string, got "
                                + config.getValue(key).valueType().name().toLowerCase(Locale.ROOT));
                    }
                    // a key whose default is a duration ("500ms", "20s") must hold one, checked at load time
                    if (String.valueOf(d.getValue().unwrapped()).matches("\\d+\\s*(ms|s|m|h|d)")) {
                        getDuration(key);
                    }
                }
                default -> { }
            }
        }
    }

    static Set<String> leafKeys(Config c) {
        Set<String> keys = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            keys.add(e.getKey());
        }
        // empty objects (open sections) have no entries; add them so "spark.conf" itself is known
        keys.addAll(OPEN_SECTIONS);
        return keys;
    }

    static String suggestion(String key, Set<String> known) {
        // a key given without its section (epochs for train.epochs): the full keys that end with it
        List<String> full = known.stream().filter(k -> k.endsWith("." + key)).toList();
        if (!full.isEmpty()) {
            return "; did you mean " + (full.size() == 1 ? "'" + full.get(0) + "'"
                    : "one of '" + String.join("', '", full) + "'") + "?";
        }
        String best = known.stream().min(Comparator.comparingInt(k -> distance(key, k))).orElse(null);
        if (best == null || distance(key, best) > Math.max(3, key.length() / 2)) {
            return "";
        }
        return "; did you mean '" + best + "'?";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private Config config() {
        if (config == null) {
            config = ConfigFactory.parseString(rendered);
        }
        return config;
    }

    public String getString(String key) {
        try {
            return config().getString(key);
        } catch (ConfigException e) {
            throw wrong(key, "a string", e);
        }
    }

    /** A string that must be set (non-empty). */
    public String require(String key, String what) {
        String v = getString(key);
        if (v.isBlank()) {
            throw new UserError("no " + what + " given: set '" + key + "'");
        }
        return v;
    }

    public int getInt(String key) {
        try {
            return config().getInt(key);
        } catch (ConfigException e) {
            throw wrong(key, "an integer", e);
        }
    }

    public long getLong(String key) {
        try {
            return config().getLong(key);
        } catch (ConfigException e) {
            throw wrong(key, "an integer", e);
        }
    }

    public double getDouble(String key) {
        try {
            return config().getDouble(key);
        } catch (ConfigException e) {
            throw wrong(key, "a number", e);
        }
    }

    public boolean getBoolean(String key) {
        try {
            return config().getBoolean(key);
        } catch (ConfigException e) {
            throw wrong(key, "true or false", e);
        }
    }

    public Duration getDuration(String key) {
        try {
            return config().getDuration(key);
        } catch (ConfigException e) {
            throw wrong(key, "a duration such as 500ms or 20s", e);
        }
    }

    public List<String> getStringList(String key) {
        try {
            return config().getStringList(key);
        } catch (ConfigException e) {
            throw wrong(key, "a list of strings", e);
        }
    }

    /** An integer within [min, max]. */
    public int getInt(String key, int min, int max) {
        int v = getInt(key);
        if (v < min || v > max) {
            throw new UserError("configuration key '" + key + "' must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    /** A number within [min, max]. */
    public double getDouble(String key, double min, double max) {
        double v = getDouble(key);
        if (!(v >= min && v <= max)) {
            throw new UserError("configuration key '" + key + "' must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    /** One of the allowed values (case-insensitive); returns it in lower case. */
    public String getChoice(String key, String... allowed) {
        String v = getString(key).trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return a;
            }
        }
        throw new UserError("configuration key '" + key + "' must be one of " + String.join(", ", allowed)
                + ", got '" + getString(key) + "'");
    }

    /** The entries of a free-form section (spark.conf, hadoop), as strings. */
    public Map<String, String> getMap(String key) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (!config().hasPath(key)) {
            return out;
        }
        for (Map.Entry<String, ConfigValue> e : config().getConfig(key).entrySet()) {
            out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
        }
        return out;
    }

    /**
     * A list of objects (such as experiment.runs), each as its flattened entries ("set.model.name" ->
     * value); one sentence naming the key when it is not a list of objects.
     */
    public List<Map<String, Object>> getObjectList(String key) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            for (Config item : config().getConfigList(key)) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, ConfigValue> e : item.entrySet()) {
                    m.put(e.getKey(), e.getValue().unwrapped());
                }
                out.add(m);
            }
        } catch (ConfigException e) {
            throw wrong(key, "a list of objects", e);
        }
        return out;
    }

    /** Rejects a key this build does not know, with the closest known key suggested; {@code where} names its origin. */
    public static void checkKnownKey(String key, String where) {
        Set<String> known = leafKeys(defaults());
        if (!known.contains(key) && OPEN_SECTIONS.stream().noneMatch(s -> key.startsWith(s + "."))) {
            throw new UserError(where + " sets unknown configuration key '" + key + "'" + suggestion(key, known));
        }
    }

    public boolean has(String key) {
        return config().hasPath(key);
    }

    /** A copy with more overrides (used by the pipeline to hand one stage's output to the next). */
    public JobConfig with(Map<String, Object> overrides) {
        Config c = config();
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        return new JobConfig(c);
    }

    /** The configuration as HOCON text, for run records and model cards (holds no secrets by design). */
    public String render() {
        return config().root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }

    /**
     * The configuration as a JSON-compatible map, for run records and model metadata: credential-like
     * keys (hadoop."fs.s3a.secret.key", ...) are masked, since these records are published.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> asMap() {
        return (Map<String, Object>) io.resnetspark.common.Secrets.mask(config().root().unwrapped());
    }

    private static UserError wrong(String key, String expected, ConfigException e) {
        if (e instanceof ConfigException.Missing) {
            return new UserError("configuration key '" + key + "' is missing");
        }
        return new UserError("configuration key '" + key + "' must be " + expected + " (" + e.getMessage()
                .replaceFirst("^[^:]*: \\d+: ", "") + ")");
    }
}
