package io.vigil.pipelines.internal.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.pipelines.spec.PipelineSpec.TimestampFormat;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads event time as a pipeline's {@code source.timestamp.format} says it is written. */
final class Timestamps {

    private Timestamps() {}

    /** Why {@code node} is not an event time of {@code format}, or null when it is one. */
    static String problem(JsonNode node, String field, TimestampFormat format) {
        if (node.isMissingNode()) {
            return "missing field '" + field + "' (event time, " + format.yaml() + ")";
        }
        if (format == TimestampFormat.ISO_8601) {
            return node.isTextual()
                    ? problem(node.textValue(), field, format)
                    : "field '"
                            + field
                            + "' must be an ISO-8601 text, found "
                            + JsonDecoder.describe(node);
        }
        if (!node.isNumber()) {
            return "field '"
                    + field
                    + "' must be a number ("
                    + format.yaml()
                    + "), found "
                    + JsonDecoder.describe(node);
        }
        double raw = node.doubleValue();
        return Double.isFinite(raw) && raw >= 0
                ? null
                : "field '" + field + "' must be a non-negative finite number, found " + raw;
    }

    /** Why {@code text} is not an event time of {@code format}, or null when it is one. */
    static String problem(String text, String field, TimestampFormat format) {
        if (format == TimestampFormat.ISO_8601) {
            try {
                Instant.parse(text.trim());
                return null;
            } catch (DateTimeParseException e) {
                return "field '"
                        + field
                        + "' is not an ISO-8601 instant such as 2026-11-22T10:15:30.250Z: '"
                        + text
                        + "'";
            }
        }
        try {
            double raw = Double.parseDouble(text.trim());
            return Double.isFinite(raw) && raw >= 0
                    ? null
                    : "field '" + field + "' must be a non-negative finite number, found " + text;
        } catch (NumberFormatException e) {
            return "field '"
                    + field
                    + "' must be a number ("
                    + format.yaml()
                    + "), found '"
                    + text
                    + "'";
        }
    }

    /** Epoch ms of a node {@link #problem} accepted. */
    static long millis(JsonNode node, TimestampFormat format) {
        if (format == TimestampFormat.ISO_8601) {
            return Instant.parse(node.textValue().trim()).toEpochMilli();
        }
        if (format == TimestampFormat.EPOCH_MILLIS
                && node.canConvertToLong()
                && node.isIntegralNumber()) {
            return node.longValue();
        }
        return millis(node.doubleValue(), format);
    }

    /**
     * Epoch ms of the epoch number the streaming {@code parser} is on, read as {@link
     * #millis(JsonNode, TimestampFormat)} reads it; -1 where {@link #problem} would object.
     */
    static long millis(JsonParser parser, TimestampFormat format) throws IOException {
        JsonParser.NumberType type = parser.getNumberType();
        if (format == TimestampFormat.EPOCH_MILLIS
                && (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG)) {
            return parser.getLongValue();
        }
        double raw = parser.getDoubleValue();
        return Double.isFinite(raw) && raw >= 0 ? millis(raw, format) : -1;
    }

    /** Epoch ms of a text {@link #problem} accepted. */
    static long millis(String text, TimestampFormat format) {
        if (format == TimestampFormat.ISO_8601) {
            return Instant.parse(text.trim()).toEpochMilli();
        }
        return millis(Double.parseDouble(text.trim()), format);
    }

    private static long millis(double raw, TimestampFormat format) {
        return switch (format) {
            case EPOCH_SECONDS -> Math.round(raw * 1_000.0);
            case EPOCH_MICROS -> (long) (raw / 1_000.0);
            default -> (long) raw;
        };
    }
}
