package io.vigil.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny test models of this module, copied into a folder with an edited card. */
final class TestModels {

    private TestModels() {}

    /** The text of the card of test model {@code name} ({@code tiny-ae} or {@code tiny-rul}). */
    static String card(String name) throws IOException {
        try (InputStream in = resource(name, "card.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes {@code card} as {@code dir/card.json} next to the ONNX file of test model {@code
     * onnxOf}.
     */
    static ModelLocation write(Path dir, String card, String onnxOf) throws IOException {
        Files.writeString(dir.resolve("card.json"), card);
        try (InputStream in = resource(onnxOf, "model.onnx")) {
            Files.copy(in, dir.resolve("model.onnx"));
        }
        return ModelLocation.directory(dir);
    }

    private static InputStream resource(String name, String file) {
        InputStream in = TestModels.class.getResourceAsStream("/vigil/models/" + name + "/" + file);
        if (in == null) {
            throw new IllegalArgumentException("No test model file " + name + "/" + file + ".");
        }
        return in;
    }
}
