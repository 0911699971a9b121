package io.resnetspark.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** The report's charts, drawn by JFreeChart into SVG (JFreeSVG) so the HTML page carries them inline. */
public final class Charts {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Beyond this many classes the axes stop naming every class (the labels would overlap). */
    static final int MAX_LABELLED_CLASSES = 40;
    /** The dark end of the heat map scale (the "Blues" colour map's last colour). */
    public static final Color HEAT_HIGH = new Color(8, 48, 107);
    public static final Color HEAT_LOW = new Color(247, 251, 255);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Charts() {
    }

    public static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        return g.getSVGElement();
    }

    /** White to dark blue over [0, 1]: the share of a true class's images that went to each prediction. */
    static final class Blues implements PaintScale, java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
            return new Color(mix(HEAT_LOW.getRed(), HEAT_HIGH.getRed(), t), mix(HEAT_LOW.getGreen(), HEAT_HIGH.getGreen(), t),
                    mix(HEAT_LOW.getBlue(), HEAT_HIGH.getBlue(), t));
        }

        private static int mix(int a, int b, double t) {
            return (int) Math.round(a + (b - a) * t);
        }
    }

    /** Cells coloured by row share (recall per true class), annotated with counts when they fit. */
    public static JFreeChart confusion(List<String> classes, long[][] m) {
        int n = classes.size();
        double[] xs = new double[n * n];
        double[] ys = new double[n * n];
        double[] zs = new double[n * n];
        long[] rowSum = new long[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rowSum[i] += m[i][j];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                xs[k] = j;
                ys[k] = i;
                zs[k] = rowSum[i] == 0 ? 0 : (double) m[i][j] / rowSum[i];
            }
        }
        DefaultXYZDataset ds = new DefaultXYZDataset();
        ds.addSeries("share of true class", new double[][] {xs, ys, zs});
        String[] names = classes.toArray(new String[0]);
        SymbolAxis x = new SymbolAxis("predicted class", names);
        SymbolAxis y = new SymbolAxis("true class", names);
        y.setInverted(true);
        x.setVerticalTickLabels(true);
        for (SymbolAxis a : new SymbolAxis[] {x, y}) {
            a.setGridBandsVisible(false);
            a.setTickLabelFont(SMALL);
            a.setTickLabelsVisible(n <= MAX_LABELLED_CLASSES);
        }
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(new Blues());
        XYPlot plot = new XYPlot(ds, x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);
        if (n <= 20) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    XYTextAnnotation a = new XYTextAnnotation(Long.toString(m[i][j]), j, i);
                    a.setFont(SMALL);
                    a.setPaint(zs[i * n + j] > 0.5 ? Color.WHITE : Color.DARK_GRAY);
                    plot.addAnnotation(a);
                }
            }
        }
        JFreeChart chart = new JFreeChart("Confusion matrix", JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        NumberAxis scaleAxis = new NumberAxis("share of true class");
        scaleAxis.setRange(0, 1);
        PaintScaleLegend legend = new PaintScaleLegend(new Blues(), scaleAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 4, 4);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Precision, recall and F1 per class. */
    public static JFreeChart perClass(List<Report.ClassStats> stats) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (Report.ClassStats s : stats) {
            String key = s.index() + ": " + s.name();
            ds.addValue(s.precision(), "precision", key);
            ds.addValue(s.recall(), "recall", key);
            ds.addValue(s.f1(), "F1", key);
        }
        JFreeChart chart = ChartFactory.createBarChart("Per-class precision, recall and F1", "class", "score", ds,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getRangeAxis().setRange(0, 1.0);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        plot.getDomainAxis().setTickLabelFont(SMALL);
        plot.getDomainAxis().setTickLabelsVisible(stats.size() <= MAX_LABELLED_CLASSES * 2);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, new Color(31, 119, 180));
        r.setSeriesPaint(1, new Color(255, 127, 14));
        r.setSeriesPaint(2, new Color(44, 160, 44));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Accuracy per confidence bin against the diagonal of perfect calibration. */
    public static JFreeChart reliability(List<Report.Bin> bins, double ece) {
        XYIntervalSeries acc = new XYIntervalSeries("accuracy");
        XYSeries conf = new XYSeries("mean confidence");
        for (Report.Bin b : bins) {
            double mid = (b.lower() + b.upper()) / 2;
            acc.add(mid, b.lower(), b.upper(), b.accuracy(), 0, b.accuracy());
            if (b.count() > 0) {
                conf.add(mid, b.confidence());
            }
        }
        XYIntervalSeriesCollection bars = new XYIntervalSeriesCollection();
        bars.addSeries(acc);
        NumberAxis x = new NumberAxis("confidence");
        x.setRange(0, 1);
        NumberAxis y = new NumberAxis("accuracy");
        y.setRange(0, 1);
        XYBarRenderer br = new XYBarRenderer();
        br.setBarPainter(new StandardXYBarPainter());
        br.setShadowVisible(false);
        br.setDrawBarOutline(true);
        br.setSeriesPaint(0, new Color(31, 119, 180));
        br.setSeriesOutlinePaint(0, Color.WHITE);
        XYPlot plot = new XYPlot(bars, x, y, br);
        XYSeries diagonal = new XYSeries("perfect calibration");
        diagonal.add(0, 0);
        diagonal.add(1, 1);
        XYSeriesCollection lines = new XYSeriesCollection();
        lines.addSeries(diagonal);
        lines.addSeries(conf);
        XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer();
        lr.setSeriesPaint(0, Color.GRAY);
        lr.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[] {6f, 4f}, 0f));
        lr.setSeriesShapesVisible(0, false);
        lr.setSeriesPaint(1, new Color(214, 39, 40));
        lr.setSeriesLinesVisible(1, false);
        plot.setDataset(1, lines);
        plot.setRenderer(1, lr);
        // the diagonal and the confidence marks over the bars, not hidden behind them
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(String.format(java.util.Locale.ROOT, "Reliability (ECE %.4f)", ece),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Curves of a training run against the epoch; series with no numbers are left out. */
    public static JFreeChart curves(String title, String yLabel, double[] epochs, List<String> names,
                                    List<double[]> values, boolean unitRange) {
        XYSeriesCollection ds = new XYSeriesCollection();
        for (int s = 0; s < names.size(); s++) {
            XYSeries series = new XYSeries(names.get(s));
            double[] v = values.get(s);
            for (int i = 0; i < v.length; i++) {
                if (!Double.isNaN(v[i]) && !Double.isNaN(epochs[i])) {
                    series.add(epochs[i], v[i]);
                }
            }
            if (series.getItemCount() > 0) {
                ds.addSeries(series);
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, ds, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        Color[] palette = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)};
        for (int i = 0; i < palette.length; i++) {
            r.setSeriesPaint(i, palette[i]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        NumberAxis epochAxis = (NumberAxis) plot.getDomainAxis();
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        double first = Double.POSITIVE_INFINITY;
        double last = Double.NEGATIVE_INFINITY;
        for (double e : epochs) {
            if (!Double.isNaN(e)) {
                first = Math.min(first, e);
                last = Math.max(last, e);
            }
        }
        boolean oneEpoch = first >= last;
        if (oneEpoch && first < Double.POSITIVE_INFINITY) {
            // a single epoch: auto-range would spread one point over a hair's width of axis ticks
            epochAxis.setRange(first - 0.5, first + 0.5);
        }
        if (unitRange) {
            plot.getRangeAxis().setRange(0, 1.0);
        } else {
            // one value per series: from zero, so the axis shows a scale instead of a hair's width around it
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(oneEpoch);
        }
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
