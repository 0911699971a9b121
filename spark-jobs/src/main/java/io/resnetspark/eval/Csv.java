package io.resnetspark.eval;

import io.resnetspark.scoring.Prediction;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * The CSV files of a report (RFC 4180: fields with a comma, quote or line break are quoted), and
 * the per-example line that executors write for predictions.csv.
 */
public final class Csv {
    public static final String PREDICTIONS_HEADER =
            "source,true,true_class,predicted,predicted_class,confidence,correct,top5,top5_classes,top5_probs";

    private Csv() {
    }

    public static String field(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    public static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    /** Rows are true classes, columns predicted classes. */
    public static String confusion(Report r) {
        StringBuilder sb = new StringBuilder("true\\predicted");
        for (String c : r.classes()) {
            sb.append(',').append(field(c));
        }
        sb.append('\n');
        long[][] m = r.confusion();
        for (int i = 0; i < m.length; i++) {
            sb.append(field(r.classes().get(i)));
            for (long v : m[i]) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public static String perClass(Report r) {
        StringBuilder sb = new StringBuilder("index,class,precision,recall,f1,support,predicted\n");
        for (Report.ClassStats s : r.perClass()) {
            sb.append(s.index()).append(',').append(field(s.name())).append(',').append(num(s.precision()))
                    .append(',').append(num(s.recall())).append(',').append(num(s.f1())).append(',')
                    .append(s.support()).append(',').append(s.predicted()).append('\n');
        }
        sb.append(",macro avg,").append(num(r.macro().precision())).append(',').append(num(r.macro().recall()))
                .append(',').append(num(r.macro().f1())).append(',').append(r.examples()).append(",\n");
        sb.append(",weighted avg,").append(num(r.weighted().precision())).append(',')
                .append(num(r.weighted().recall())).append(',').append(num(r.weighted().f1())).append(',')
                .append(r.examples()).append(",\n");
        return sb.toString();
    }

    public static String misclassified(Report r) {
        StringBuilder sb = new StringBuilder("rank,source,true,true_class,predicted,predicted_class,confidence\n");
        int rank = 1;
        for (Prediction p : r.mistakes()) {
            sb.append(rank++).append(',').append(field(p.source)).append(',').append(p.label).append(',')
                    .append(field(r.classes().get(p.label))).append(',').append(p.predicted()).append(',')
                    .append(field(r.classes().get(p.predicted()))).append(',').append(p.confidence()).append('\n');
        }
        return sb.toString();
    }

    /** Formats one prediction as a line of predictions.csv; serializable because executors run it. */
    public static final class PredictionLine implements org.apache.spark.api.java.function.Function<Prediction, String>,
            Serializable {
        private static final long serialVersionUID = 1L;
        private final List<String> classes;

        public PredictionLine(List<String> classes) {
            this.classes = List.copyOf(classes);
        }

        @Override
        public String call(Prediction p) {
            StringBuilder sb = new StringBuilder();
            sb.append(field(p.source)).append(',').append(p.label).append(',').append(field(classes.get(p.label)))
                    .append(',').append(p.predicted()).append(',').append(field(classes.get(p.predicted())))
                    .append(',').append(p.confidence()).append(',').append(p.correct() ? 1 : 0).append(',');
            StringBuilder idx = new StringBuilder();
            StringBuilder names = new StringBuilder();
            StringBuilder probs = new StringBuilder();
            for (int i = 0; i < p.top.length; i++) {
                String sep = i == 0 ? "" : "|";
                idx.append(sep).append(p.top[i]);
                names.append(sep).append(classes.get(p.top[i]));
                probs.append(sep).append(p.topProb[i]);
            }
            sb.append(idx).append(',').append(field(names.toString())).append(',').append(probs);
            return sb.toString();
        }
    }
}
