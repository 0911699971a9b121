package io.resnetspark.data.format;

import java.io.Serializable;

/**
 * One input as the driver lists it: its position in the fixed order, its name relative to the source
 * (what the minibatch records and the manifest lists), split and label, and either a file to decode,
 * the raw grayscale pixels of an idx/csv record, or (table sources) the row's place in the table, whose
 * image cell the executor reads. A plain class rather than a record because Spark
 * ships it with Kryo, which cannot set record fields.
 */
public class PrepareItem implements Serializable {
    private static final long serialVersionUID = 1L;

    public int index;
    public String name;
    public String split;
    /** -1 when the input belongs to no class (skipped at listing time). */
    public int label;
    /** Set when the listing already knows the input cannot be used. */
    public String reason;
    /** Raw grayscale pixels (idx, csv), else null and {@link #name} is a file under the source. */
    public byte[] raw;
    public int rawWidth;
    public int rawHeight;
    /**
     * Where the raw pixels are in the job's broadcast of them, or -1: the pixels of idx/csv records travel in a
     * broadcast, not in the task, where a partition of 2,000 of them made Spark warn of a task of very large size.
     */
    public int rawSlot = -1;
    /** Table sources: the row's Parquet file and row number in it, else null and -1. */
    public String tableFile;
    public long tableRow = -1;
    /** Table sources, on the executor only: the row's image cell ({@link ImageCell}). */
    public transient Object cell;

    public PrepareItem() {
    }

    public static PrepareItem file(String name, String split, int label) {
        PrepareItem i = new PrepareItem();
        i.name = name;
        i.split = split;
        i.label = label;
        return i;
    }

    public static PrepareItem raw(String name, String split, int label, byte[] raw, int w, int h) {
        PrepareItem i = file(name, split, label);
        i.raw = raw;
        i.rawWidth = w;
        i.rawHeight = h;
        return i;
    }

    /** The same item without its pixels, which are at {@code slot} of the job's broadcast. */
    public PrepareItem pixelsAt(int slot) {
        PrepareItem i = file(name, split, label);
        i.index = index;
        i.reason = reason;
        i.rawWidth = rawWidth;
        i.rawHeight = rawHeight;
        i.rawSlot = slot;
        return i;
    }

    public static PrepareItem skipped(String name, String split, int label, String reason) {
        PrepareItem i = file(name, split, label);
        i.reason = reason;
        return i;
    }

    /** The file of an item listed under {@code root}; built from parts so that ':' or '#' in names survive. */
    public static org.apache.hadoop.fs.Path file(String root, String name) {
        return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(root),
                new org.apache.hadoop.fs.Path(null, null, name));
    }
}
