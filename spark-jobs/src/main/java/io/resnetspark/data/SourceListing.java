package io.resnetspark.data;

import io.resnetspark.data.format.PrepareItem;
import java.util.List;

/**
 * What the driver found in a source: classes in label order, every input in a fixed order, the
 * recognised data set (or null), the common image size of record formats (0 for image files), how the
 * split was decided, notes about things that are not files (class folders with no images), and for a
 * table source the table its executors read the images from (null for the other sources).
 */
public record SourceListing(List<String> classes, List<PrepareItem> items, String dataset, int width, int height,
                            String splitRule, List<Manifest.Skipped> notes, TableSource.Table table) {

    public SourceListing(List<String> classes, List<PrepareItem> items, String dataset, int width, int height,
                         String splitRule, List<Manifest.Skipped> notes) {
        this(classes, items, dataset, width, height, splitRule, notes, null);
    }
}
