package io.resnetspark.data.remote;

import io.resnetspark.data.format.PrepareItem;
import io.resnetspark.data.format.RowName;
import io.resnetspark.data.format.SplitHash;
import io.resnetspark.data.format.SplitValues;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;

/**
 * What one row of an image table is as an input of prepare: its name, split, label, or the reason it
 * cannot be used. The same function describes a row when the driver lists the table and again when an
 * executor decodes it, so both see the same item. Rows arrive as {@link #COLUMNS}: the file and row number
 * (Spark's {@code _metadata}), then label, split, id and image cells (null where the table has no such column).
 */
public final class TableRows implements Function<Row, PrepareItem>, Serializable {
    private static final long serialVersionUID = 1L;
    public static final List<String> COLUMNS = List.of("file", "row", "label", "split", "id", "image");
    static final int IMAGE = 5;

    private final String root;
    private final SplitHash hash;
    private final String labelColumn;
    private final String splitColumn;
    private final List<String> classes;
    /** Labels are class names (a string column), else class indices (a numeric column). */
    private final boolean named;
    private final HashMap<String, Integer> labelOf = new HashMap<>();

    /**
     * @param splitColumn "" when the split comes from the hash of the row's name
     */
    public TableRows(String root, SplitHash hash, String labelColumn, String splitColumn, List<String> classes,
                     boolean named) {
        this.root = root;
        this.hash = hash;
        this.labelColumn = labelColumn;
        this.splitColumn = splitColumn;
        this.classes = List.copyOf(classes);
        this.named = named;
        for (int i = 0; i < classes.size(); i++) {
            labelOf.put(classes.get(i), i);
        }
    }

    @Override
    public PrepareItem call(Row r) {
        String file = r.getString(0);
        long row = r.getLong(1);
        String name = RowName.of(r.get(4), file, row, root);
        String split = hash.split(name);
        String reason = null;
        if (!splitColumn.isEmpty()) {
            String v = r.isNullAt(3) ? null : r.getString(3);
            String fromColumn = SplitValues.of(v);
            if (fromColumn != null) {
                split = fromColumn;
            } else {
                reason = v == null ? "split column '" + splitColumn + "' is empty"
                        : "unknown split value '" + v.trim() + "' in column " + splitColumn;
            }
        }
        int label = -1;
        String labelProblem = null;
        Object v = r.get(2);
        if (v == null) {
            labelProblem = "label column '" + labelColumn + "' is empty";
        } else if (named) {
            Integer l = labelOf.get(v.toString());
            if (l == null) {
                labelProblem = "label '" + v + "' is not one of the classes (prepare.classes)";
            } else {
                label = l;
            }
        } else {
            double d = ((Number) v).doubleValue();
            if (d != Math.rint(d)) {
                labelProblem = String.format(Locale.ROOT, "label %s is not a class index", v);
            } else if (d < 0 || d >= classes.size()) {
                labelProblem = String.format(Locale.ROOT, "label %d is out of range 0..%d", (long) d, classes.size() - 1);
            } else {
                label = (int) d;
            }
        }
        if (reason == null) {
            reason = labelProblem;
        }
        PrepareItem item = reason == null ? PrepareItem.file(name, split, label)
                : PrepareItem.skipped(name, split, labelProblem == null ? label : -1, reason);
        item.tableFile = file;
        item.tableRow = row;
        return item;
    }

    /** Per file, the index the driver gave each row number (-1: not an input, e.g. cut by prepare.max-per-split). */
    public static HashMap<String, int[]> indexOf(List<PrepareItem> items) {
        Map<String, Long> rows = new HashMap<>();
        for (PrepareItem i : items) {
            rows.merge(i.tableFile, i.tableRow + 1, Math::max);
        }
        HashMap<String, int[]> out = new HashMap<>();
        rows.forEach((f, n) -> {
            int[] a = new int[Math.toIntExact(n)];
            java.util.Arrays.fill(a, -1);
            out.put(f, a);
        });
        for (PrepareItem i : items) {
            out.get(i.tableFile)[(int) i.tableRow] = i.index;
        }
        return out;
    }
}
