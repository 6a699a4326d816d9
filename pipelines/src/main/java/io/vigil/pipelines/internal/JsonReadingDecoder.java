package io.vigil.pipelines.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.PipelineMetrics;
import io.vigil.pipelines.TopicFilters;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.PipelineSpec.TimestampFormat;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes JSON payloads on the pipeline's topics into {@link Reading}s: the asset from a topic
 * level, event time and one number per channel from the payload's fields. Anything else (not JSON,
 * a missing field, a value of the wrong type, NaN or infinity) goes to the dead-letter side output
 * with the reason, and is counted. Messages on other pipelines' topics are ignored.
 */
public final class JsonReadingDecoder extends ProcessFunction<InboundMessage, Reading> {

    /** Side output of undecodable messages. */
    public static final OutputTag<OutboundMessage> DEAD_LETTERS =
            new OutputTag<>("dead-letters") {};

    private final String pipeline;
    private final List<String> topics;
    private final int assetSegment;
    private final String timestampField;
    private final TimestampFormat timestampFormat;
    private final String[] fields;
    private final String deadLetterTopic;

    private transient JsonFactory json;
    private transient Map<String, Integer> channelOfField;
    private transient Counter messagesIn;
    private transient Counter deadLetters;

    // Event time of the payload decode() just read: a field so the hot path allocates no result
    // object and decode() can return the reason for a rejection instead.
    private transient long timestamp;

    public JsonReadingDecoder(PipelineSpec spec) {
        this.pipeline = spec.name();
        this.topics = spec.source().topics();
        this.assetSegment = spec.source().assetSegment();
        this.timestampField = spec.source().timestampField();
        this.timestampFormat = spec.source().timestampFormat();
        this.fields =
                spec.source().channels().stream()
                        .map(PipelineSpec.Channel::field)
                        .toArray(String[]::new);
        this.deadLetterTopic = spec.output().deadLetterTopic().replace("{pipeline}", spec.name());
    }

    @Override
    public void open(OpenContext openContext) {
        json = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        channelOfField = new HashMap<>();
        for (int i = 0; i < fields.length; i++) {
            channelOfField.put(fields[i], i);
        }
        MetricGroup metrics = PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline);
        messagesIn = metrics.counter(PipelineMetrics.MESSAGES_IN);
        deadLetters = metrics.counter(PipelineMetrics.DEAD_LETTERS);
    }

    @Override
    public void processElement(InboundMessage message, Context context, Collector<Reading> out) {
        if (!onPipelineTopic(message.topic())) {
            return;
        }
        messagesIn.inc();
        String asset = TopicFilters.level(message.topic(), assetSegment);
        if (asset == null || asset.isEmpty()) {
            reject(
                    context,
                    message,
                    "topic has no level " + assetSegment + " to take the asset id from");
            return;
        }
        float[] values = new float[fields.length];
        try {
            String problem = decode(message.payload(), values);
            if (problem != null) {
                reject(context, message, problem);
                return;
            }
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            reject(
                    context,
                    message,
                    "not valid JSON at byte " + at + ": " + e.getOriginalMessage());
            return;
        } catch (IOException e) {
            reject(context, message, "unreadable payload: " + e.getMessage());
            return;
        }
        out.collect(new Reading(asset, timestamp, values));
    }

    /**
     * Fills {@code values} and {@link #timestamp}; returns why the payload is rejected, or null.
     */
    private String decode(byte[] payload, float[] values) throws IOException {
        try (JsonParser parser = json.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "expected a JSON object with fields " + describeFields();
            }
            long seen = 0;
            boolean hasTimestamp = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals(timestampField)) {
                    String problem = readTimestamp(parser, token);
                    if (problem != null) {
                        return problem;
                    }
                    hasTimestamp = true;
                    continue;
                }
                Integer channel = channelOfField.get(field);
                if (channel == null) {
                    parser.skipChildren();
                    continue;
                }
                if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                    return "field '"
                            + field
                            + "' must be a number, found "
                            + describe(token, parser);
                }
                double value = parser.getDoubleValue();
                if (!Double.isFinite(value)) {
                    return "field '" + field + "' must be a finite number, found " + value;
                }
                values[channel] = (float) value;
                seen |= 1L << channel;
            }
            if (parser.nextToken() != null) {
                return "not valid JSON: unexpected content after the object";
            }
            if (!hasTimestamp) {
                return "missing field '"
                        + timestampField
                        + "' (event time, "
                        + timestampFormat.yaml()
                        + ")";
            }
            for (int i = 0; i < fields.length; i++) {
                if ((seen & (1L << i)) == 0) {
                    return "missing field '" + fields[i] + "'";
                }
            }
            return null;
        }
    }

    private String readTimestamp(JsonParser parser, JsonToken token) throws IOException {
        if (timestampFormat == TimestampFormat.ISO_8601) {
            if (token != JsonToken.VALUE_STRING) {
                return "field '"
                        + timestampField
                        + "' must be an ISO-8601 text, found "
                        + describe(token, parser);
            }
            try {
                timestamp = Instant.parse(parser.getText()).toEpochMilli();
                return null;
            } catch (DateTimeParseException e) {
                return "field '"
                        + timestampField
                        + "' is not an ISO-8601 instant: '"
                        + parser.getText()
                        + "'";
            }
        }
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            return "field '"
                    + timestampField
                    + "' must be a number ("
                    + timestampFormat.yaml()
                    + "), found "
                    + describe(token, parser);
        }
        double raw = parser.getDoubleValue();
        if (!Double.isFinite(raw) || raw < 0) {
            return "field '"
                    + timestampField
                    + "' must be a non-negative finite number, found "
                    + raw;
        }
        timestamp =
                switch (timestampFormat) {
                    case EPOCH_SECONDS -> Math.round(raw * 1_000.0);
                    case EPOCH_MICROS -> (long) (raw / 1_000.0);
                    default ->
                            token == JsonToken.VALUE_NUMBER_INT
                                    ? parser.getLongValue()
                                    : (long) raw;
                };
        return null;
    }

    private boolean onPipelineTopic(String topic) {
        for (int i = 0; i < topics.size(); i++) {
            if (TopicFilters.matches(topics.get(i), topic)) {
                return true;
            }
        }
        return false;
    }

    private void reject(Context context, InboundMessage message, String reason) {
        deadLetters.inc();
        context.output(
                DEAD_LETTERS,
                DeadLetters.of(
                        pipeline,
                        deadLetterTopic,
                        message.topic(),
                        message.payload(),
                        reason,
                        message.receivedAtMillis()));
    }

    private String describeFields() {
        return "'" + timestampField + "', " + String.join(", ", fields);
    }

    private static String describe(JsonToken token, JsonParser parser) throws IOException {
        return switch (token) {
            case VALUE_STRING -> "the text '" + parser.getText() + "'";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> String.valueOf(token);
        };
    }
}
