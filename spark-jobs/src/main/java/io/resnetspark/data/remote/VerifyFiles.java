package io.resnetspark.data.remote;

import io.resnetspark.common.UserError;
import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.storage.RemoteStorage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Executor side of {@code train.on-bad-file = skip}: reads and checks each minibatch file of a partition and yields
 * {@code "<uri>\t<sentence>"} for every one that is damaged or cannot be read. Nothing for the good ones.
 */
public final class VerifyFiles implements FlatMapFunction<Iterator<String>, String> {
    private static final long serialVersionUID = 1L;

    private final RemoteStorage remote;
    private final Broadcast<BatchChecksums> checks;

    public VerifyFiles(RemoteStorage remote, Broadcast<BatchChecksums> checks) {
        this.remote = remote;
        this.checks = checks;
    }

    @Override
    public Iterator<String> call(Iterator<String> files) {
        List<String> bad = new ArrayList<>();
        while (files.hasNext()) {
            String f = files.next();
            try {
                checks.value().read(remote.storage(), f);
            } catch (UserError e) {
                bad.add(f + "\t" + e.getMessage());
            }
        }
        return bad.iterator();
    }
}
