package io.vigil.pipelines.internal.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vigil.pipelines.spec.PipelineSpec.TimestampFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The common shape of sensor JSON read in one streaming pass, without building a tree: an object
 * (or an array of objects) whose event time (epoch, or none) and channels are top-level numeric
 * fields, the asset named by the topic. Building a tree for every message was half of the decoder's
 * time.
 *
 * <p>It only ever answers for payloads it reads completely: anything else (a value that is not a
 * number, a missing field, trailing content, broken JSON) returns false before any reading is
 * passed on, and {@link JsonDecoder}'s tree path decodes the payload again and says precisely what
 * is wrong, so both paths give the same readings and the same reasons.
 */
final class FlatJsonRecords {

    private static final int TIMESTAMP = -1;

    private final JsonFactory factory;
    private final TimestampFormat timestampFormat;
    private final int channels;
    // Field name -> channel index, or TIMESTAMP. Jackson hands out field names canonicalized, so
    // each lookup hashes a string whose hash is already cached.
    private final Map<String, Integer> slots = new HashMap<>();
    private final List<float[]> values = new ArrayList<>();
    private final boolean[] has;
    private long[] timestamps = new long[8];

    /**
     * @param timestampField the top-level event time field, or null when readings are stamped on
     *     arrival
     * @param fields the top-level field of each channel, in input order
     */
    FlatJsonRecords(
            JsonFactory factory,
            String timestampField,
            TimestampFormat timestampFormat,
            List<String> fields) {
        this.factory = factory;
        this.timestampFormat = timestampFormat;
        this.channels = fields.size();
        this.has = new boolean[channels];
        for (int i = 0; i < fields.size(); i++) {
            slots.put(fields.get(i), i);
        }
        if (timestampField != null) {
            slots.put(timestampField, TIMESTAMP);
        }
    }

    /**
     * Reads every record of {@code payload} as readings of {@code asset}, or none of them.
     *
     * @return whether the payload was read; false leaves {@code out} untouched
     */
    boolean decode(byte[] payload, String asset, long receivedAtMillis, Readings out) {
        values.clear();
        try (JsonParser parser = factory.createParser(payload)) {
            JsonToken root = parser.nextToken();
            if (root == JsonToken.START_OBJECT) {
                if (!record(parser, receivedAtMillis)) {
                    return false;
                }
            } else if (root == JsonToken.START_ARRAY) {
                JsonToken item;
                while ((item = parser.nextToken()) == JsonToken.START_OBJECT) {
                    if (!record(parser, receivedAtMillis)) {
                        return false;
                    }
                }
                if (item != JsonToken.END_ARRAY) {
                    return false;
                }
            } else {
                return false;
            }
            if (parser.nextToken() != null) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        for (int i = 0; i < values.size(); i++) {
            out.reading(asset, timestamps[i], values.get(i));
        }
        return true;
    }

    /** Reads the object the parser has just entered; false if it is not a complete reading. */
    private boolean record(JsonParser parser, long receivedAtMillis) throws IOException {
        float[] reading = new float[channels];
        int seen = 0;
        Arrays.fill(has, false);
        // -1 until the event time is read: valid ones are never negative.
        long timestamp = timestampFormat == TimestampFormat.ARRIVAL ? receivedAtMillis : -1;
        String name;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            Integer slot = slots.get(name);
            if (slot == null) {
                parser.skipChildren();
                continue;
            }
            if (slot == TIMESTAMP) {
                timestamp = token.isNumeric() ? Timestamps.millis(parser, timestampFormat) : -1;
                if (timestamp < 0) {
                    return false;
                }
                continue;
            }
            double value;
            if (token == JsonToken.VALUE_NULL) {
                value = Double.NaN;
            } else if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                value = token == JsonToken.VALUE_TRUE ? 1 : 0;
            } else if (token.isNumeric()) {
                value = parser.getDoubleValue();
                if (!Double.isFinite(value)) {
                    return false;
                }
            } else {
                return false;
            }
            if (!has[slot]) {
                has[slot] = true;
                seen++;
            }
            reading[slot] = (float) value;
        }
        if (timestamp < 0 || seen != channels) {
            return false;
        }
        if (values.size() == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, timestamps.length * 2);
        }
        timestamps[values.size()] = timestamp;
        values.add(reading);
        return true;
    }
}
