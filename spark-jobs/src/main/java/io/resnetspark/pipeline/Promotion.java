package io.resnetspark.pipeline;

import java.util.Locale;

/**
 * The champion/challenger rule of retraining: the challenger is promoted when there is no champion, or
 * when its top-1 on the same held-out split is at least the champion's plus the margin.
 */
public record Promotion(boolean promote, String reason) {

    public static Promotion decide(double challengerTop1, Double championTop1, double margin) {
        if (championTop1 == null) {
            return new Promotion(true, "no champion yet");
        }
        if (challengerTop1 >= championTop1 + margin) {
            return new Promotion(true, String.format(Locale.ROOT, "challenger top-1 %.4f >= champion %.4f + margin %.4f",
                    challengerTop1, championTop1, margin));
        }
        return new Promotion(false, String.format(Locale.ROOT, "challenger top-1 %.4f < champion %.4f + margin %.4f on "
                + "the same held-out split", challengerTop1, championTop1, margin));
    }
}
