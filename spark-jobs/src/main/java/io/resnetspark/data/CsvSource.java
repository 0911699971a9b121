package io.resnetspark.data;

import io.resnetspark.common.UserError;
import io.resnetspark.data.format.PrepareItem;
import io.resnetspark.data.format.SplitHash;
import io.resnetspark.data.format.SplitValues;
import io.resnetspark.storage.Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Reads pixel CSV files on the driver, line by line (FER-2013 layout: {@code emotion,pixels,Usage},
 * pixels space-separated, a square grayscale image per row). The split comes from the split column
 * when the header has one (Training / PublicTest / PrivateTest, or train / val / test), else from the
 * hash of the row's name. Rows with a bad label, bad pixels or another size are skipped with a reason.
 */
public final class CsvSource {
    private CsvSource() {
    }

    public record Columns(String label, String pixels, String split) implements java.io.Serializable {
    }

    public static SourceListing list(Storage storage, Path source, SplitHash hash, List<String> classes, Columns cols) {
        List<Path> files = new ArrayList<>();
        try {
            FileStatus st = storage.fs(source).getFileStatus(source);
            if (st.isDirectory()) {
                for (FileStatus s : storage.listFiles(source)) {
                    if (s.getPath().getName().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                        files.add(s.getPath());
                    }
                }
                if (files.isEmpty()) {
                    throw new UserError("prepare.source " + source + " is a directory with no .csv file");
                }
            } else {
                files.add(source);
            }
        } catch (java.io.FileNotFoundException e) {
            throw new UserError("prepare.source " + source + " does not exist");
        } catch (IOException e) {
            throw Storage.unreachable(source, e);
        }
        List<Row> rows = new ArrayList<>();
        boolean fer = true;
        for (Path f : files) {
            fer &= read(storage, f, cols, hash, rows);
        }
        String dataset = null;
        List<String> names = classes;
        if (names.isEmpty()) {
            if (fer && cols.label().equals("emotion")) {
                dataset = "fer2013";
                names = KnownDatasets.FER2013;
            } else {
                int max = rows.stream().mapToInt(r -> r.label).max().orElse(-1);
                names = KnownDatasets.numbered(max + 1);
            }
        }
        // the image size is that of the first good row; rows of another size are skipped
        int side = 0;
        List<PrepareItem> items = new ArrayList<>(rows.size());
        for (Row r : rows) {
            PrepareItem item;
            if (r.reason != null) {
                item = PrepareItem.skipped(r.name, r.split, -1, r.reason);
            } else if (r.label >= names.size()) {
                item = PrepareItem.skipped(r.name, r.split, -1, "label " + r.label + " is out of range 0.."
                        + (names.size() - 1));
            } else {
                if (side == 0) {
                    side = r.side;
                }
                if (r.side != side) {
                    item = PrepareItem.skipped(r.name, r.split, r.label, "row has " + r.side * r.side + " pixels ("
                            + r.side + "x" + r.side + ") but the data set's images are " + side + "x" + side);
                } else {
                    item = PrepareItem.raw(r.name, r.split, r.label, r.pixels, side, side);
                }
            }
            item.index = items.size();
            items.add(item);
        }
        String rule = rows.stream().anyMatch(r -> r.fromColumn) ? "column " + cols.split()
                : String.format(Locale.ROOT, "hash of the row name (val %.3f, test %.3f)", hash.val(), hash.test());
        return new SourceListing(names, items, dataset, side, side, rule, List.of());
    }

    private static final class Row {
        String name;
        String split;
        boolean fromColumn;
        int label = -1;
        byte[] pixels;
        int side;
        String reason;
    }

    /** Returns whether the header is FER-2013's. */
    private static boolean read(Storage storage, Path f, Columns cols, SplitHash hash, List<Row> rows) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(storage.open(f), StandardCharsets.UTF_8),
                1 << 16)) {
            String header = in.readLine();
            if (header == null) {
                throw new UserError(f + " is empty; a csv source needs a header row");
            }
            List<String> names = split(header.replace("\uFEFF", ""));
            int li = names.indexOf(cols.label());
            int pi = names.indexOf(cols.pixels());
            int si = names.indexOf(cols.split());
            if (li < 0 || pi < 0) {
                throw new UserError(f + " has no column '" + (li < 0 ? cols.label() : cols.pixels()) + "' (header: "
                        + header + "); set prepare.csv.label-column / prepare.csv.pixels-column");
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Row r = new Row();
                r.name = f.getName() + "#line" + lineNo;
                List<String> v = split(line);
                String splitValue = si >= 0 && si < v.size() ? v.get(si) : null;
                String split = SplitValues.of(splitValue);
                if (split != null) {
                    r.split = split;
                    r.fromColumn = true;
                } else {
                    r.split = hash.split(r.name);
                }
                rows.add(r);
                if (si >= 0 && splitValue != null && split == null) {
                    r.reason = "unknown split value '" + v.get(si).trim() + "' in column " + cols.split();
                    continue;
                }
                if (v.size() <= Math.max(li, pi)) {
                    r.reason = "row has " + v.size() + " columns, fewer than the header's " + names.size();
                    continue;
                }
                try {
                    r.label = Integer.parseInt(v.get(li).trim());
                } catch (NumberFormatException e) {
                    r.reason = "label '" + v.get(li).trim() + "' is not an integer";
                    continue;
                }
                if (r.label < 0) {
                    r.reason = "label " + r.label + " is negative";
                    r.label = -1;
                    continue;
                }
                r.reason = pixels(v.get(pi), r);
                if (r.reason != null) {
                    r.label = -1;
                }
            }
            return names.contains("emotion") && names.contains("pixels");
        } catch (IOException e) {
            throw Storage.unreachable(f, e);
        }
    }

    private static String pixels(String field, Row r) {
        String[] tok = field.trim().split("\\s+");
        if (field.isBlank()) {
            return "pixels column is empty";
        }
        int side = (int) Math.round(Math.sqrt(tok.length));
        if (side * side != tok.length) {
            return "pixels column has " + tok.length + " values, not a square image";
        }
        byte[] px = new byte[tok.length];
        for (int i = 0; i < tok.length; i++) {
            int p;
            try {
                p = Integer.parseInt(tok[i]);
            } catch (NumberFormatException e) {
                return "pixel " + i + " '" + tok[i] + "' is not an integer";
            }
            if (p < 0 || p > 255) {
                return "pixel " + i + " is " + p + ", outside 0..255";
            }
            px[i] = (byte) p;
        }
        r.pixels = px;
        r.side = side;
        return null;
    }

    /** One CSV line into fields (RFC 4180 quotes). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
