package io.vigil.bench.e2e;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

/**
 * A pump fleet's telemetry, built before the clock starts so every run publishes the same bytes: a
 * reading is a JSON object of about 110 bytes ({@code ts} and five channels), one message carries
 * one reading or, batched, a JSON array of several consecutive readings of one pump. Messages go
 * round robin over the pumps, so event time advances evenly, 100 ms per reading.
 */
final class Telemetry {

    static final long PERIOD_MILLIS = 100;

    final String[] topics;
    final byte[][] payloads;

    /** What {@link #pumps} was called with, so another process can build the same telemetry. */
    final java.util.List<String> recipe;

    final long readings;
    final long bytes;

    /** The event time just after the last reading, a whole second. */
    final long endMillis;

    private Telemetry(
            String[] topics,
            byte[][] payloads,
            long readings,
            long endMillis,
            java.util.List<String> recipe) {
        this.topics = topics;
        this.recipe = recipe;
        this.payloads = payloads;
        this.readings = readings;
        long total = 0;
        for (byte[] payload : payloads) {
            total += payload.length;
        }
        this.bytes = total;
        this.endMillis = endMillis;
    }

    static String asset(int index) {
        return String.format(Locale.ROOT, "pump-%05d", index);
    }

    static String topic(int index) {
        return "plant/pumps/" + asset(index) + "/telemetry";
    }

    /**
     * {@code readingsPerAsset} readings of each of {@code assets} pumps from {@code startMillis}
     * on, {@code perMessage} readings per message ({@code 1}: a plain object, more: an array).
     */
    static Telemetry pumps(int assets, int readingsPerAsset, int perMessage, long startMillis) {
        if (readingsPerAsset % perMessage != 0) {
            throw new IllegalArgumentException(
                    "readings per asset must be a multiple of the batch");
        }
        Random random = new Random(7);
        int steps = readingsPerAsset / perMessage;
        String[] topics = new String[steps * assets];
        byte[][] payloads = new byte[steps * assets][];
        StringBuilder json = new StringBuilder(128 * perMessage);
        String[] assetTopics = new String[assets];
        for (int a = 0; a < assets; a++) {
            assetTopics[a] = topic(a);
        }
        int m = 0;
        for (int step = 0; step < steps; step++) {
            for (int a = 0; a < assets; a++) {
                json.setLength(0);
                if (perMessage > 1) {
                    json.append('[');
                }
                for (int r = 0; r < perMessage; r++) {
                    long ts = startMillis + (long) (step * perMessage + r) * PERIOD_MILLIS;
                    if (r > 0) {
                        json.append(',');
                    }
                    reading(json, ts, random);
                }
                if (perMessage > 1) {
                    json.append(']');
                }
                topics[m] = assetTopics[a];
                payloads[m++] = json.toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        long end = startMillis + (long) readingsPerAsset * PERIOD_MILLIS;
        return new Telemetry(
                topics,
                payloads,
                (long) assets * readingsPerAsset,
                end,
                java.util.List.of(
                        String.valueOf(assets),
                        String.valueOf(readingsPerAsset),
                        String.valueOf(perMessage),
                        String.valueOf(startMillis)));
    }

    /** The telemetry {@link #recipe} describes. */
    static Telemetry fromRecipe(java.util.List<String> recipe) {
        return pumps(
                Integer.parseInt(recipe.get(0)),
                Integer.parseInt(recipe.get(1)),
                Integer.parseInt(recipe.get(2)),
                Long.parseLong(recipe.get(3)));
    }

    /** A healthy pump's reading around the training data's operating point. */
    private static void reading(StringBuilder json, long ts, Random random) {
        // Appended by hand rather than with String.format: every publisher process builds its
        // telemetry again, and formatting took seconds per run.
        json.append("{\"ts\":").append(ts);
        field(json, "vibration", 1.143 + 0.02 * random.nextGaussian(), 1e4);
        field(json, "pressure", 5.599 + 0.2 * random.nextGaussian(), 1e4);
        field(json, "temperature", 53.68 + 1.0 * random.nextGaussian(), 1e3);
        field(json, "current", 23.33 + 0.8 * random.nextGaussian(), 1e3);
        field(json, "flow", 51.62 + 3.0 * random.nextGaussian(), 1e3);
        json.append('}');
    }

    /** {@code ,"name":value} with the value rounded to 1 / {@code scale}. */
    private static void field(StringBuilder json, String name, double value, double scale) {
        json.append(",\"").append(name).append("\":").append(Math.round(value * scale) / scale);
    }

    int messages() {
        return payloads.length;
    }
}
