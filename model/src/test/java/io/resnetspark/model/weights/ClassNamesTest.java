package io.resnetspark.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassNamesTest {
    private static List<String> read(String text) {
        return ClassNames.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "names.txt");
    }

    private static String refusal(String text) {
        return assertThrows(WeightFileException.class, () -> read(text)).getMessage();
    }

    @Test
    void linesOrJsonArray() {
        assertEquals(List.of("tench", "goldfish", "great white shark"), read("tench\r\n goldfish\n\ngreat white shark\n"));
        assertEquals(List.of("cat", "dog"), read("[\"cat\", \"dog\"]\n"));
    }

    @Test
    void emptyDuplicateOrBrokenListsAreRefused() {
        assertEquals("class names names.txt list no classes", refusal("\n \n"));
        assertEquals("class names names.txt list 'cat' twice", refusal("cat\ndog\ncat\n"));
        assertEquals("class names names.txt have an empty name at position 1", refusal("[\"cat\", \"\"]"));
        String broken = refusal("[\"cat\"");
        assertTrue(broken.startsWith("class names names.txt start like a JSON array but are not a JSON array of"
                + " strings (Unexpected end-of-input"), broken);
    }
}
