package io.resnetspark.data;

import io.resnetspark.common.UserError;
import io.resnetspark.data.format.PrepareItem;
import io.resnetspark.data.format.SplitHash;
import io.resnetspark.storage.Storage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists an ImageFolder tree on the driver: {@code root/<class>/...} or
 * {@code root/{train,val,test}/<class>/...} (files may be nested deeper inside a class folder, as
 * torchvision allows). Every file found becomes an item, sorted by its relative name; files outside
 * any class folder and hidden files are items skipped with their reason, so nothing goes unaccounted.
 */
public final class ImageFolderSource {
    private static final Map<String, String> SPLIT_DIRS = Map.of("train", "train", "val", "val", "validation", "val",
            "test", "test");

    private ImageFolderSource() {
    }

    public static SourceListing list(Storage storage, Path root, SplitHash hash) {
        FileSystem fs = storage.fs(root);
        List<String> files = new ArrayList<>();
        List<String> topDirs = new ArrayList<>();
        try {
            if (!fs.getFileStatus(root).isDirectory()) {
                throw new UserError("prepare.source " + root + " is a file; an ImageFolder source is a directory");
            }
            for (FileStatus s : fs.listStatus(root)) {
                if (s.isDirectory()) {
                    topDirs.add(s.getPath().getName());
                }
            }
            String base = root.toUri().getPath().replaceAll("/+$", "") + "/";
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                String p = it.next().getPath().toUri().getPath();
                if (!p.startsWith(base)) {
                    throw new IllegalStateException("listing of " + root + " returned " + p);
                }
                files.add(p.substring(base.length()));
            }
        } catch (FileNotFoundException e) {
            throw new UserError("prepare.source " + root + " does not exist");
        } catch (IOException e) {
            throw Storage.unreachable(root, e);
        }
        files.sort(null);
        boolean splitLayout = topDirs.stream().anyMatch(d -> SPLIT_DIRS.containsKey(d.toLowerCase(Locale.ROOT)));

        // class -> split -> file count, and the folders seen, to find empty class folders
        TreeMap<String, Map<String, Integer>> classFolders = new TreeMap<>();
        try {
            for (String top : topDirs) {
                if (hidden(top)) {
                    continue;
                }
                if (splitLayout) {
                    String split = SPLIT_DIRS.get(top.toLowerCase(Locale.ROOT));
                    if (split == null) {
                        continue;
                    }
                    for (FileStatus s : fs.listStatus(new Path(root, top))) {
                        if (s.isDirectory() && !hidden(s.getPath().getName())) {
                            classFolders.computeIfAbsent(s.getPath().getName(), k -> new TreeMap<>()).put(top, 0);
                        }
                    }
                } else {
                    classFolders.computeIfAbsent(top, k -> new TreeMap<>()).put("", 0);
                }
            }
        } catch (IOException e) {
            throw Storage.unreachable(root, e);
        }
        for (String f : files) {
            String[] parts = f.split("/");
            int classAt = splitLayout ? 1 : 0;
            if (parts.length > classAt + 1 && !hiddenAny(parts) && classFolders.containsKey(parts[classAt])) {
                String key = splitLayout ? parts[0] : "";
                classFolders.get(parts[classAt]).merge(key, 1, Integer::sum);
            }
        }
        List<Manifest.Skipped> notes = new ArrayList<>();
        TreeSet<String> classes = new TreeSet<>();
        classFolders.forEach((cls, bySplit) -> {
            boolean any = bySplit.values().stream().anyMatch(n -> n > 0);
            bySplit.forEach((top, n) -> {
                if (n == 0) {
                    String split = splitLayout ? SPLIT_DIRS.get(top.toLowerCase(Locale.ROOT)) : null;
                    notes.add(new Manifest.Skipped((splitLayout ? top + "/" : "") + cls + "/", split,
                            any ? "class folder holds no files" : "class folder holds no files; not used as a class"));
                }
            });
            if (any) {
                classes.add(cls);
            }
        });
        List<String> classList = List.copyOf(classes);
        Map<String, Integer> labelOf = new java.util.HashMap<>();
        for (int i = 0; i < classList.size(); i++) {
            labelOf.put(classList.get(i), i);
        }

        List<PrepareItem> items = new ArrayList<>(files.size());
        for (String f : files) {
            String[] parts = f.split("/");
            String split;
            int classAt;
            if (splitLayout) {
                split = SPLIT_DIRS.get(parts[0].toLowerCase(Locale.ROOT));
                classAt = 1;
                if (split == null) {
                    items.add(PrepareItem.skipped(f, hash.split(f), -1,
                            "outside the train/val/test folders of a split layout"));
                    continue;
                }
            } else {
                split = hash.split(f);
                classAt = 0;
            }
            if (hiddenAny(parts)) {
                items.add(PrepareItem.skipped(f, split, -1, "hidden file"));
            } else if (parts.length <= classAt + 1) {
                items.add(PrepareItem.skipped(f, split, -1, "not inside a class folder"));
            } else {
                items.add(PrepareItem.file(f, split, labelOf.get(parts[classAt])));
            }
        }
        for (int i = 0; i < items.size(); i++) {
            items.get(i).index = i;
        }
        String rule = splitLayout ? "folders (train/val/test)" : String.format(Locale.ROOT,
                "hash of the relative path (val %.3f, test %.3f)", hash.val(), hash.test());
        return new SourceListing(classList, items, null, 0, 0, rule, notes);
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    private static boolean hiddenAny(String[] parts) {
        for (String p : parts) {
            if (hidden(p)) {
                return true;
            }
        }
        return false;
    }
}
