package io.resnetspark.common;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A live progress line for long work: done/total, rate and ETA. Redraws in place on a terminal and
 * prints at most every few seconds otherwise (CI logs, spark-submit), so logs stay readable.
 */
public final class Progress {
    private final String what;
    private final String unit;
    private final long total;
    private final long start = System.nanoTime();
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastPrint;

    public Progress(String what, String unit, long total) {
        this(what, unit, total, System.err);
    }

    public Progress(String what, String unit, long total, PrintStream out) {
        this.what = what;
        this.unit = unit;
        this.total = total;
        this.out = out;
    }

    /** Reports {@code done} units so far, with an optional extra note (loss, skipped files). */
    public synchronized void update(long done, String note) {
        long now = System.nanoTime();
        long interval = terminal ? 200_000_000L : 5_000_000_000L;
        if (done < total && now - lastPrint < interval) {
            return;
        }
        lastPrint = now;
        String line = line(done, note, now);
        if (terminal) {
            out.print("\r" + line + "   ");
            if (done >= total) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    String line(long done, String note, long now) {
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / secs;
        String eta = rate > 0 && total > done ? formatSeconds((total - done) / rate) : "-";
        String pct = total > 0 ? String.format(Locale.ROOT, " (%.0f%%)", 100.0 * done / total) : "";
        return String.format(Locale.ROOT, "[%s] %,d/%,d %s%s, %s, elapsed %s, ETA %s%s", what, done, total,
                unit, pct, speed(done, secs), formatSeconds(secs), eta, note == null || note.isEmpty() ? "" : ", " + note);
    }

    /**
     * Units per second, or the time per unit when a unit takes over ten seconds (an epoch at "0.0 epochs/s"
     * says nothing); nothing to say before the first unit is done.
     */
    private String speed(long done, double secs) {
        if (done <= 0) {
            return "first " + singular() + " under way";
        }
        double rate = done / secs;
        return rate >= 0.1 ? String.format(Locale.ROOT, "%.1f %s/s", rate, unit)
                : formatSeconds(secs / done) + " per " + singular();
    }

    private String singular() {
        return unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
    }

    public static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm%02ds", t / 3600, (t / 60) % 60, t % 60)
                : t >= 60 ? String.format("%dm%02ds", t / 60, t % 60) : t + "s";
    }
}
