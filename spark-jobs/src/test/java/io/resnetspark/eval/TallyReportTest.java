package io.resnetspark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.eval.remote.Tally;
import io.resnetspark.scoring.Prediction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's arithmetic on predictions small enough to check by hand. */
class TallyReportTest {
    static final List<String> CLASSES = List.of("a", "b,c", "d");

    static Prediction p(String src, int label, float... probs) {
        return Prediction.of(src, label, probs, 5);
    }

    static Report.Context context() {
        return new Report.Context("file:/m.zip", "00", Map.of(), "file:/d", "test", 1, 1, 2.0, "now");
    }

    @Test
    void topKKeepsOrderAndBreaksTiesByIndex() {
        Prediction x = p("s", 2, 0.2f, 0.5f, 0.3f);
        assertArrayEquals(new int[] {1, 2, 0}, x.top);
        assertEquals(0.5f, x.confidence());
        assertEquals(0.3f, x.trueProb);
        Prediction tie = p("t", 0, 0.4f, 0.4f, 0.2f);
        assertArrayEquals(new int[] {0, 1, 2}, tie.top);
    }

    @Test
    void metricsMatchHandCounts() {
        // truth -> prediction (confidence): a->a (.88), a->b (.62), b->b (.72), b->b (.83), d->a (.57), d->d (.96)
        Prediction[] ps = {
            p("1", 0, 0.88f, 0.06f, 0.06f), p("2", 0, 0.3f, 0.62f, 0.08f), p("3", 1, 0.2f, 0.72f, 0.08f),
            p("4", 1, 0.1f, 0.83f, 0.07f), p("5", 2, 0.57f, 0.03f, 0.4f), p("6", 2, 0.02f, 0.02f, 0.96f)};
        Tally first = new Tally(3, 10, 1, 2);
        Tally second = new Tally(3, 10, 1, 2);
        for (int i = 0; i < ps.length; i++) {
            (i < 3 ? first : second).add(ps[i]);
        }
        Report r = new Report(CLASSES, first.merge(second), context());
        assertEquals(6, r.examples());
        assertEquals(4.0 / 6, r.top1(), 1e-12);
        assertEquals(6.0 / 6, r.topKAccuracy(), 1e-12, "top-2: both mistakes have the truth second");
        assertArrayEquals(new long[] {1, 1, 0}, r.confusion()[0]);
        assertArrayEquals(new long[] {0, 2, 0}, r.confusion()[1]);
        assertArrayEquals(new long[] {1, 0, 1}, r.confusion()[2]);
        Report.ClassStats b = r.perClass().get(1);
        assertEquals(2.0 / 3, b.precision(), 1e-12);
        assertEquals(1.0, b.recall(), 1e-12);
        assertEquals(0.8, b.f1(), 1e-12);
        assertEquals(2, b.support());
        double macroP = (0.5 + 2.0 / 3 + 1.0) / 3;
        assertEquals(macroP, r.macro().precision(), 1e-12);
        assertEquals((0.5 * 2 + 1.0 * 2 + 0.5 * 2) / 6, r.weighted().recall(), 1e-12);
        double loss = -(Math.log(0.88f) + Math.log(0.3f) + Math.log(0.72f) + Math.log(0.83f) + Math.log(0.4f)
                + Math.log(0.96f)) / 6;
        assertEquals(loss, r.loss(), 1e-9);
        // bins of width 0.1 hold .57 | .62 | .72 | .83 .88 | .96
        double ece = (0.57f + 0.62f + (1 - 0.72f) + 2 * Math.abs(1 - (0.83f + 0.88f) / 2.0) + (1 - 0.96f)) / 6;
        assertEquals(ece, r.ece(), 1e-7);
        assertEquals(1, r.reliability().get(5).count());
        assertEquals(2, r.reliability().get(8).count());
        assertEquals(0, r.reliability().get(4).count());
        // one mistake kept: the more confident of the two (.62 beats .57)
        assertEquals(1, r.mistakes().size());
        assertEquals("2", r.mistakes().get(0).source);
    }

    @Test
    void csvQuotesNamesWithCommas() {
        Tally t = new Tally(3, 5, 5, 5);
        t.add(p("x,y.png", 1, 0.7f, 0.2f, 0.1f));
        Report r = new Report(CLASSES, t, context());
        String confusion = Csv.confusion(r);
        assertTrue(confusion.startsWith("true\\predicted,a,\"b,c\",d\n"), confusion);
        assertTrue(confusion.contains("\"b,c\",1,0,0\n"), confusion);
        String mis = Csv.misclassified(r);
        assertTrue(mis.contains("1,\"x,y.png\",1,\"b,c\",0,a,0.7"), mis);
        String line = new Csv.PredictionLine(CLASSES).call(t.mistakes().get(0));
        assertEquals("\"x,y.png\",1,\"b,c\",0,a,0.7,0,0|1|2,\"a|b,c|d\",0.7|0.2|0.1", line);
        assertTrue(Csv.perClass(r).contains("1,\"b,c\",0.000000,0.000000,0.000000,1,0\n"), Csv.perClass(r));
    }

    @Test
    void binEdgesAreUpperInclusive() {
        assertEquals(0, Tally.bin(0.0, 10));
        assertEquals(0, Tally.bin(0.1, 10));
        assertEquals(1, Tally.bin(0.1000001, 10));
        assertEquals(9, Tally.bin(1.0, 10));
    }
}
