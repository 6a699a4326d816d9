package io.vigil.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a model lives: a model shipped with Vigil (on the classpath under {@code
 * vigil/models/<name>/}, from {@code models/zoo/<name>/} in the source tree) or a folder on disk.
 * Either way the folder holds {@code card.json} and the ONNX file the card names.
 *
 * <p>Serializable so a Flink operator can carry it to a remote task manager and load the model
 * there.
 *
 * <pre>{@code
 * ModelLocation location = ModelLocation.shipped("pump-transformer");
 * ModelCard card = location.loadCard();
 * }</pre>
 */
public final class ModelLocation implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String CLASSPATH_ROOT = "vigil/models/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String directory;

    private ModelLocation(String name, String directory) {
        this.name = Objects.requireNonNull(name, "Model name must not be null.");
        this.directory = directory;
    }

    /** A model shipped with Vigil, by name. */
    public static ModelLocation shipped(String name) {
        return new ModelLocation(name, null);
    }

    /** A model in a folder on disk; its name is the folder's name. */
    public static ModelLocation directory(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        return new ModelLocation(String.valueOf(absolute.getFileName()), absolute.toString());
    }

    /** The names of the models shipped with Vigil that a location could name. */
    public static List<String> shippedNames() {
        List<String> names = new ArrayList<>();
        try (InputStream index = resource(CLASSPATH_ROOT + "index.txt")) {
            if (index != null) {
                for (String line : new String(index.readAllBytes()).split("\n")) {
                    if (!line.isBlank()) {
                        names.add(line.trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read the index of shipped models.", e);
        }
        return names;
    }

    public String name() {
        return name;
    }

    /** Reads and checks the model card. */
    public ModelCard loadCard() {
        byte[] bytes = read("card.json");
        try {
            return parseCard(JSON.readTree(bytes));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException(
                    describe("card.json") + " is not a valid model card: " + e.getMessage(), e);
        }
    }

    /** Reads the ONNX file the card names. */
    public byte[] loadOnnx() {
        try {
            return read(JSON.readTree(read("card.json")).path("file").asText("model.onnx"));
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Cannot read " + describe("card.json") + ": " + e.getMessage(), e);
        }
    }

    private byte[] read(String file) {
        try {
            if (directory != null) {
                Path path = Path.of(directory, file);
                if (!Files.isRegularFile(path)) {
                    throw new ModelLoadException("Model file not found: " + path + ".");
                }
                return Files.readAllBytes(path);
            }
            try (InputStream in = resource(CLASSPATH_ROOT + name + "/" + file)) {
                if (in == null) {
                    throw new ModelLoadException(
                            "Unknown model '"
                                    + name
                                    + "': no shipped model of that name; shipped models are "
                                    + shippedNames()
                                    + ".");
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Cannot read " + describe(file) + ": " + e.getMessage(), e);
        }
    }

    private String describe(String file) {
        return directory != null
                ? Path.of(directory, file).toString()
                : "shipped model '" + name + "' (" + file + ")";
    }

    private static InputStream resource(String path) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        InputStream in = loader == null ? null : loader.getResourceAsStream(path);
        return in != null ? in : ModelLocation.class.getClassLoader().getResourceAsStream(path);
    }

    private static ModelCard parseCard(JsonNode card) {
        JsonNode input = required(card, "input");
        JsonNode shape = required(input, "shape");
        if (!shape.isArray() || shape.size() != 3) {
            throw new IllegalArgumentException(
                    "input.shape must be [batch, time, channels], got " + shape);
        }
        List<String> channels = new ArrayList<>();
        required(card, "channels").forEach(c -> channels.add(c.asText()));
        if (shape.get(2).asInt() != channels.size()) {
            throw new IllegalArgumentException(
                    "input.shape has "
                            + shape.get(2).asInt()
                            + " channels but 'channels' lists "
                            + channels.size());
        }
        JsonNode normalization = required(card, "normalization");
        float[] errorScale = new float[channels.size()];
        java.util.Arrays.fill(errorScale, 1f);
        if (card.hasNonNull("error_scale")) {
            errorScale = floats(card.get("error_scale"));
        }
        String reduction = card.path("score_reduction").asText("mean");
        return new ModelCard(
                required(card, "name").asText(),
                required(card, "version").asText(),
                required(card, "task").asText(),
                required(input, "name").asText(),
                required(required(card, "output"), "name").asText(),
                shape.get(1).asInt(),
                channels,
                required(card, "sample_period_ms").asLong(),
                floats(required(normalization, "mean")),
                floats(required(normalization, "std")),
                required(card, "threshold").asDouble(),
                errorScale,
                ModelCard.ScoreReduction.valueOf(reduction.toUpperCase(java.util.Locale.ROOT)));
    }

    private static JsonNode required(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing key '" + key + "'");
        }
        return value;
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelLocation other
                && name.equals(other.name)
                && Objects.equals(directory, other.directory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, directory);
    }

    @Override
    public String toString() {
        return directory != null ? directory : name;
    }
}
