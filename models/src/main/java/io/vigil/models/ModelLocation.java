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
 * <p>A card may also name variants of the same model, such as a quantized copy: {@code "variants":
 * {"int8": "model.int8.onnx"}}. They share the card (channels, normalization, threshold) and differ
 * only in the ONNX file; {@link #withVariant} picks one.
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

    private static final long serialVersionUID = 2L;
    private static final String CLASSPATH_ROOT = "vigil/models/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The variant every model has: the ONNX file the card's {@code file} names. */
    public static final String DEFAULT_VARIANT = "fp32";

    private final String name;
    private final String directory;
    private final String variant;

    private ModelLocation(String name, String directory, String variant) {
        this.name = Objects.requireNonNull(name, "Model name must not be null.");
        this.directory = directory;
        this.variant = Objects.requireNonNull(variant, "Model variant must not be null.");
    }

    /** A model shipped with Vigil, by name. */
    public static ModelLocation shipped(String name) {
        return new ModelLocation(name, null, DEFAULT_VARIANT);
    }

    /** A model in a folder on disk; its name is the folder's name. */
    public static ModelLocation directory(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        return new ModelLocation(
                String.valueOf(absolute.getFileName()), absolute.toString(), DEFAULT_VARIANT);
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

    /**
     * The same model with another of its card's variants, e.g. {@code "int8"}; {@value
     * #DEFAULT_VARIANT} is the card's own file. Whether the card has the variant is checked when
     * the model is loaded.
     */
    public ModelLocation withVariant(String variant) {
        return new ModelLocation(name, directory, variant);
    }

    public String name() {
        return name;
    }

    public String variant() {
        return variant;
    }

    /** The variants the card names, {@value #DEFAULT_VARIANT} first. */
    public List<String> variants() {
        List<String> names = new ArrayList<>(List.of(DEFAULT_VARIANT));
        cardJson()
                .path("variants")
                .fields()
                .forEachRemaining(
                        variant -> {
                            // Only what loadOnnx can load: a file name, and not the default again.
                            if (variant.getValue().isTextual()
                                    && !DEFAULT_VARIANT.equals(variant.getKey())) {
                                names.add(variant.getKey());
                            }
                        });
        return names;
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

    /** Reads the ONNX file the card names for this location's variant. */
    public byte[] loadOnnx() {
        JsonNode card = cardJson();
        if (DEFAULT_VARIANT.equals(variant)) {
            return read(card.path("file").asText("model.onnx"));
        }
        JsonNode file = card.path("variants").path(variant);
        if (!file.isTextual()) {
            throw new ModelLoadException(
                    describe("card.json")
                            + " has no variant '"
                            + variant
                            + "'; its variants are "
                            + variants()
                            + ".");
        }
        return read(file.asText());
    }

    private JsonNode cardJson() {
        try {
            return JSON.readTree(read("card.json"));
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

    /** The card file, for messages: its path, or the shipped model's name and file. */
    String cardFile() {
        return describe("card.json");
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
        String task = required(card, "task").asText();
        JsonNode output = required(card, "output");
        if (output.hasNonNull("shape")) {
            checkOutputShape(task, shape, output.get("shape"));
        } else if (ModelCard.FORECAST.equals(task)) {
            throw new IllegalArgumentException(
                    "output.shape is required for a 'forecast' model: "
                            + forecastShape(shape)
                            + ", got none");
        }
        int outputLength =
                switch (task) {
                    case ModelCard.FORECAST -> output.get("shape").get(1).asInt();
                    case ModelCard.RECONSTRUCTION ->
                            output.hasNonNull("shape")
                                    ? output.get("shape").get(1).asInt()
                                    : shape.get(1).asInt();
                    case ModelCard.RUL -> 1;
                    default -> shape.get(1).asInt();
                };
        boolean rul = ModelCard.RUL.equals(task);
        double threshold =
                rul && !card.hasNonNull("threshold")
                        ? Double.NaN
                        : required(card, "threshold").asDouble();
        double rulCap =
                card.hasNonNull("rul_cap") ? number(card.get("rul_cap"), "rul_cap") : Double.NaN;
        String unit = ModelCard.defaultUnit(task);
        if (card.hasNonNull("unit")) {
            JsonNode node = card.get("unit");
            if (!node.isTextual() || node.asText().isBlank()) {
                throw new IllegalArgumentException(
                        "unit must be a non-empty string such as \"cycles\", got " + node);
            }
            unit = node.asText();
        }
        return new ModelCard(
                required(card, "name").asText(),
                required(card, "version").asText(),
                task,
                required(input, "name").asText(),
                required(output, "name").asText(),
                shape.get(1).asInt(),
                outputLength,
                channels,
                required(card, "sample_period_ms").asLong(),
                floats(required(normalization, "mean")),
                floats(required(normalization, "std")),
                threshold,
                errorScale,
                ModelCard.ScoreReduction.valueOf(reduction.toUpperCase(java.util.Locale.ROOT)),
                rulCap,
                unit);
    }

    /**
     * The card's output shape must fit its task; a task Vigil does not know is left to {@link
     * WindowScorer#open}, which names the tasks it supports.
     */
    private static void checkOutputShape(String task, JsonNode inputShape, JsonNode outputShape) {
        boolean forecast = ModelCard.FORECAST.equals(task);
        if (forecast || ModelCard.RECONSTRUCTION.equals(task)) {
            // Both output some of the window's own rows: all or its newest H (reconstruction), or
            // the H rows
            // forecast from at least one row before them (forecast).
            long rows = outputShape.path(1).asLong();
            long window = inputShape.get(1).asLong();
            boolean matches =
                    outputShape.isArray()
                            && outputShape.size() == 3
                            && rows >= 1
                            && rows <= (forecast ? window - 1 : window)
                            && outputShape.get(2).asLong() == inputShape.get(2).asLong();
            if (!matches) {
                String expected =
                        forecast
                                ? forecastShape(inputShape)
                                : "the input's shape "
                                        + inputShape
                                        + " or its newest rows [batch, H, "
                                        + inputShape.get(2).asLong()
                                        + "] with 1 <= H <= "
                                        + window;
                throw new IllegalArgumentException(
                        "output.shape of a '"
                                + task
                                + "' model must be "
                                + expected
                                + ", got "
                                + outputShape);
            }
        } else if (ModelCard.RUL.equals(task)) {
            boolean matches =
                    outputShape.isArray()
                            && (outputShape.size() == 1
                                    || outputShape.size() == 2 && outputShape.get(1).asLong() == 1);
            if (!matches) {
                throw new IllegalArgumentException(
                        "output.shape of a 'rul' model must be [batch, 1] or [batch], got "
                                + outputShape);
            }
        }
    }

    /** What a forecast model's output must be, for messages. */
    private static String forecastShape(JsonNode inputShape) {
        return "[batch, H, "
                + inputShape.get(2).asLong()
                + "] with 1 <= H < "
                + inputShape.get(1).asLong()
                + " (H: the last rows of the window it forecasts)";
    }

    private static double number(JsonNode value, String key) {
        if (!value.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + value);
        }
        return value.asDouble();
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
                && Objects.equals(directory, other.directory)
                && variant.equals(other.variant);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, directory, variant);
    }

    @Override
    public String toString() {
        String where = directory != null ? directory : name;
        return DEFAULT_VARIANT.equals(variant) ? where : where + " (" + variant + ")";
    }
}
