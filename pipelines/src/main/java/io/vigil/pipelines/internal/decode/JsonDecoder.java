package io.vigil.pipelines.internal.decode;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.TopicTemplate;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.PipelineSpec.Channel;
import io.vigil.pipelines.spec.PipelineSpec.TimestampFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON payloads: one reading per object, an array of them, or an array at {@code
 * source.records} inside an object. Each field is a name or a JSON Pointer. A reading either has
 * one field per channel (a missing field is an error; an explicit {@code null} means "not in this
 * reading"), or, when the topic or the payload names the channel, one value.
 */
public final class JsonDecoder implements PayloadDecoder {

    private final List<TopicTemplate> topics;
    private final JsonPointer asset;
    private final JsonPointer records;
    private final Field timestamp;
    private final TimestampFormat timestampFormat;
    private final Field[] fields;
    private final JsonPointer channel;
    private final Field value;
    private final Map<String, Integer> inputOfChannelId = new HashMap<>();
    private final boolean oneChannel;
    private final FlatJsonRecords flat;
    // Non-numeric numbers are read so that NaN gets a precise reason rather than a parse error;
    // trailing content fails, so a second value in one payload is never dropped silently.
    // Parsing the numbers' text was the largest single cost of decoding (JDK parseDouble); the
    // fast parser gives the same, correctly rounded doubles.
    private final JsonMapper json =
            JsonMapper.builder()
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    public JsonDecoder(PipelineSpec.Source source) {
        this.topics = source.topics();
        this.asset =
                source.assetPointer() == null ? null : JsonPointer.compile(source.assetPointer());
        this.records =
                source.recordsPointer() == null
                        ? null
                        : JsonPointer.compile(source.recordsPointer());
        this.timestamp = new Field(source.timestampField());
        this.timestampFormat = source.timestampFormat();
        List<Channel> inputs = source.inputs();
        this.fields = new Field[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            fields[i] = new Field(inputs.get(i).field());
            inputOfChannelId.put(inputs.get(i).field(), i);
        }
        this.oneChannel = source.oneChannelPerReading();
        this.channel =
                source.channelPointer() == null
                        ? null
                        : JsonPointer.compile(source.channelPointer());
        this.value = new Field(source.valueField());
        this.flat = flatRecords(source, inputs);
    }

    /** The streaming reader when every field this pipeline reads is a top-level one, else null. */
    private FlatJsonRecords flatRecords(PipelineSpec.Source source, List<Channel> inputs) {
        List<String> names = inputs.stream().map(Channel::field).toList();
        boolean arrival = timestampFormat == TimestampFormat.ARRIVAL;
        boolean topLevel =
                names.stream().noneMatch(n -> n.startsWith("/"))
                        && (arrival || !source.timestampField().startsWith("/"));
        if (!topLevel
                || oneChannel
                || asset != null
                || records != null
                || timestampFormat == TimestampFormat.ISO_8601) {
            return null;
        }
        return new FlatJsonRecords(
                json.getFactory(),
                arrival ? null : source.timestampField(),
                timestampFormat,
                names);
    }

    /** Whether this pipeline's flat records are read by the streaming reader. */
    boolean streamsFlatRecords() {
        return flat != null;
    }

    @Override
    public void decode(InboundMessage message, Readings out) {
        if (flat != null) {
            String assetId =
                    TopicTemplates.matching(topics, message.topic()).asset(message.topic());
            if (flat.decode(message.payload(), assetId, message.receivedAtMillis(), out)) {
                return;
            }
        }
        JsonNode root;
        try {
            root = json.readTree(message.payload());
        } catch (JsonProcessingException e) {
            out.reject("not valid JSON " + where(e) + ": " + e.getOriginalMessage());
            return;
        } catch (IOException e) {
            out.reject("unreadable payload: " + e.getMessage());
            return;
        }
        if (root == null || root.isMissingNode()) {
            out.reject("empty payload");
            return;
        }
        TopicTemplate template = TopicTemplates.matching(topics, message.topic());
        JsonNode items = root;
        if (records != null && root.isObject()) {
            items = root.at(records);
            if (!items.isArray()) {
                out.reject(
                        "expected an array of readings at '"
                                + records
                                + "', found "
                                + describe(items));
                return;
            }
        }
        if (items.isArray()) {
            for (int i = 0; i < items.size(); i++) {
                read(items.get(i), "record " + i + ": ", message, template, out);
            }
        } else {
            read(items, "", message, template, out);
        }
    }

    private void read(
            JsonNode record,
            String where,
            InboundMessage message,
            TopicTemplate template,
            Readings out) {
        if (!record.isObject()) {
            out.reject(where + "expected a JSON object, found " + describe(record));
            return;
        }
        String assetId;
        if (asset != null) {
            JsonNode node = record.at(asset);
            if (!node.isValueNode() || node.isNull() || node.asText().isEmpty()) {
                out.reject(
                        where
                                + "expected the asset id at '"
                                + asset
                                + "', found "
                                + describe(node));
                return;
            }
            assetId = node.asText();
        } else {
            assetId = template.asset(message.topic());
        }
        long ts;
        if (timestampFormat == TimestampFormat.ARRIVAL) {
            ts = message.receivedAtMillis();
        } else {
            JsonNode node = timestamp.in(record);
            String problem = Timestamps.problem(node, timestamp.name, timestampFormat);
            if (problem != null) {
                out.reject(where + problem);
                return;
            }
            ts = Timestamps.millis(node, timestampFormat);
        }
        float[] values = new float[fields.length];
        if (oneChannel) {
            String id =
                    channel != null ? text(record.at(channel)) : template.channel(message.topic());
            if (id == null) {
                out.reject(
                        where
                                + (channel != null
                                        ? "expected the channel name at '"
                                                + channel
                                                + "', found "
                                                + describe(record.at(channel))
                                        : "topic '" + message.topic() + "' names no {channel}"));
                return;
            }
            Integer input = inputOfChannelId.get(id);
            if (input == null) {
                out.unused();
                return;
            }
            java.util.Arrays.fill(values, Float.NaN);
            String problem = number(value.in(record), value.name, values, input);
            if (problem != null) {
                out.reject(where + problem);
                return;
            }
        } else {
            for (int i = 0; i < fields.length; i++) {
                String problem = number(fields[i].in(record), fields[i].name, values, i);
                if (problem != null) {
                    out.reject(where + problem);
                    return;
                }
            }
        }
        out.reading(assetId, ts, values);
    }

    private static String where(JsonProcessingException e) {
        if (e.getLocation() == null) {
            return "";
        }
        long bytes = e.getLocation().getByteOffset();
        return bytes >= 0 ? "at byte " + bytes : "at character " + e.getLocation().getCharOffset();
    }

    /** Writes a channel's value into {@code values[i]}; returns why it cannot, or null. */
    private static String number(JsonNode node, String field, float[] values, int i) {
        if (node.isMissingNode()) {
            return "missing field '" + field + "'";
        }
        if (node.isNull()) {
            values[i] = Float.NaN;
            return null;
        }
        if (node.isBoolean()) {
            values[i] = node.booleanValue() ? 1f : 0f;
            return null;
        }
        if (!node.isNumber()) {
            return "field '" + field + "' must be a number, found " + describe(node);
        }
        double v = node.doubleValue();
        if (!Double.isFinite(v)) {
            return "field '" + field + "' must be a finite number, found " + v;
        }
        values[i] = (float) v;
        return null;
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "the text '" + node.textValue() + "'";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return node.toString();
    }

    /** A field written as a plain name or as a JSON Pointer, resolved once. */
    private static final class Field {
        final String name;
        final JsonPointer pointer;

        Field(String name) {
            this.name = name;
            this.pointer =
                    name.startsWith("/")
                            ? JsonPointer.compile(name)
                            : JsonPointer.compile("/" + name.replace("~", "~0").replace("/", "~1"));
        }

        JsonNode in(JsonNode record) {
            return record.at(pointer);
        }
    }
}
