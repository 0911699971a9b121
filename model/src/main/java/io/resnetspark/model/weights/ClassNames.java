package io.resnetspark.model.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.resnetspark.model.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a class-name list for an import: a JSON array of strings (the form the export stage writes as
 * classes.json) or plain text with one name per line (the form ImageNet's synset lists come in).
 */
public final class ClassNames {
    private ClassNames() {
    }

    /** @throws WeightFileException naming {@code source} when the list is empty, unreadable or has a duplicate */
    public static List<String> read(InputStream in, String source) {
        String text;
        try {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new WeightFileException("could not read class names " + source + ": " + e.getMessage(), e);
        }
        List<String> names;
        if (text.startsWith("[")) {
            try {
                names = ModelStore.JSON.readValue(text, new TypeReference<List<String>>() { });
            } catch (JsonProcessingException e) {
                throw new WeightFileException("class names " + source + " start like a JSON array but are not a JSON"
                        + " array of strings (" + e.getOriginalMessage() + ")", e);
            }
        } else {
            names = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
        if (names.isEmpty()) {
            throw new WeightFileException("class names " + source + " list no classes");
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new WeightFileException("class names " + source + " have an empty name at position "
                        + seen.size());
            }
            if (!seen.add(n)) {
                throw new WeightFileException("class names " + source + " list '" + n + "' twice");
            }
        }
        return List.copyOf(names);
    }
}
