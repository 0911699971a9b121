package io.resnetspark.data.format;

import java.util.Locale;
import java.util.Map;

/**
 * The values a split column may hold (a CSV's Usage column, a table's split column): train / val / test
 * and their usual spellings, FER-2013's Training / PublicTest / PrivateTest among them.
 */
public final class SplitValues {
    private static final Map<String, String> SPLITS = Map.of("training", "train", "train", "train",
            "publictest", "val", "val", "val", "validation", "val", "privatetest", "test", "test", "test");

    private SplitValues() {
    }

    /** The split a value names (case and surrounding blanks ignored), or null when it names none. */
    public static String of(String value) {
        return value == null ? null : SPLITS.get(value.trim().toLowerCase(Locale.ROOT));
    }
}
