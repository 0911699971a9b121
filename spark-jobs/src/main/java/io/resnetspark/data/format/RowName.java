package io.resnetspark.data.format;

import java.net.URI;

/**
 * The name of a table row in manifests, minibatch files and predictions: its id column's value when the
 * table has one, else its Parquet file (relative to the table) and row number, {@code part-00000.parquet#row12},
 * which stay the same on every read of the same files.
 */
public final class RowName {
    private RowName() {
    }

    /**
     * @param file the row's file URI (Spark's {@code _metadata.file_path})
     * @param root the table's path (its directory, or the file itself)
     */
    public static String of(Object id, String file, long row, String root) {
        if (id != null) {
            return id.toString();
        }
        return relative(file, root) + "#row" + row;
    }

    static String relative(String file, String root) {
        String f = URI.create(file.replace(" ", "%20")).getPath();
        String r = URI.create(root.replace(" ", "%20")).getPath();
        r = r == null ? "" : r.replaceAll("/+$", "");
        if (f != null && f.startsWith(r + "/")) {
            return f.substring(r.length() + 1);
        }
        return f == null ? file : f.substring(f.lastIndexOf('/') + 1);
    }
}
