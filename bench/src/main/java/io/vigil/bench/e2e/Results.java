package io.vigil.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a harness run measured, by section: named figures and lists of runs, written as one JSON
 * file that {@code bench/plot.py} and the summary line read.
 */
final class Results {

    private final Path file;
    private final Map<String, Object> sections = new LinkedHashMap<>();

    Results(Path file) {
        this.file = file;
    }

    @SuppressWarnings("unchecked")
    void put(String section, String key, Object value) {
        ((Map<String, Object>) sections.computeIfAbsent(section, s -> new LinkedHashMap<>()))
                .put(key, value);
    }

    @SuppressWarnings("unchecked")
    void add(String list, Object item) {
        ((List<Object>) sections.computeIfAbsent(list, s -> new ArrayList<>())).add(item);
    }

    @SuppressWarnings("unchecked")
    Object get(String section, String key) {
        Object s = sections.get(section);
        return s instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(key) : null;
    }

    void write() throws IOException {
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), sections);
    }
}
