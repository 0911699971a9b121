package io.resnetspark.storage;

/**
 * Where things live, in one place. Under a root (a pipeline's, a retraining's, an experiment's):
 * {@code data/[<id>/]} prepared data, {@code runs/<name>} training runs, {@code models/<name>/<version>}
 * exports. Inside a run: {@code metrics.jsonl}, {@code checkpoints/epoch-NNN.zip}, {@code best.zip},
 * {@code last.zip} and {@code report/}.
 */
public final class RunLayout {
    public static final String METRICS = "metrics.jsonl";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String BEST = "best.zip";
    public static final String LAST = "last.zip";
    public static final String REPORT = "report";
    /** Inside models/<name>: the file naming the promoted version, and the log of retraining decisions. */
    public static final String CHAMPION = "champion";
    public static final String DECISIONS = "decisions.jsonl";
    public static final String EXPORTED_MODEL = "model.zip";

    private final String root;

    /** @param root a URI of any Hadoop file system; a trailing slash is ignored */
    public RunLayout(String root) {
        this.root = root.replaceAll("/+$", "");
    }

    public String root() {
        return root;
    }

    public String data() {
        return root + "/data";
    }

    /** The data of one retraining run (each run prepares its own). */
    public String data(String id) {
        return data() + "/" + id;
    }

    public String run(String name) {
        return root + "/runs/" + name;
    }

    public String models(String name) {
        return root + "/models/" + name;
    }

    public String version(String name, String version) {
        return models(name) + "/" + version;
    }

    /** The experiment's side-by-side report. */
    public String report() {
        return root + "/" + REPORT;
    }

    public static String report(String run) {
        return join(run, REPORT);
    }

    public static String join(String dir, String name) {
        return dir.replaceAll("/+$", "") + "/" + name;
    }
}
