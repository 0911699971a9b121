package io.resnetspark.storage;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop settings the driver used (S3A endpoint, credentials from the config, user settings),
 * shipped to executors so that they reach the same file systems; the {@link Storage} is built there.
 */
public final class RemoteStorage implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, String> settings;
    private transient Storage storage;

    public RemoteStorage(Map<String, String> settings) {
        this.settings = new TreeMap<>(settings);
    }

    public synchronized Storage storage() {
        if (storage == null) {
            Configuration c = new Configuration();
            settings.forEach(c::set);
            storage = new Storage(c);
        }
        return storage;
    }
}
