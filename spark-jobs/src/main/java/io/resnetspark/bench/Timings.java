package io.resnetspark.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Seconds per iteration after warm-up, turned into images/s figures (median, min, max). */
public record Timings(double[] secondsPerIteration, int imagesPerIteration) {

    public double medianSeconds() {
        double[] s = secondsPerIteration.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public Map<String, Object> toMap() {
        double[] s = secondsPerIteration;
        double min = Arrays.stream(s).min().orElse(Double.NaN);
        double max = Arrays.stream(s).max().orElse(Double.NaN);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images_per_sec", round(imagesPerIteration / medianSeconds()));
        m.put("images_per_sec_min", round(imagesPerIteration / max));
        m.put("images_per_sec_max", round(imagesPerIteration / min));
        m.put("seconds_per_iter", round(medianSeconds()));
        m.put("iterations", s.length);
        return m;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
