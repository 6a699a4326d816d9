package io.vigil.pipelines.spec;

import static io.vigil.pipelines.spec.ConfigOptions.Option.key;
import static io.vigil.pipelines.spec.ConfigOptions.Type.BLOCK;
import static io.vigil.pipelines.spec.ConfigOptions.Type.BOOLEAN;
import static io.vigil.pipelines.spec.ConfigOptions.Type.CHANNELS;
import static io.vigil.pipelines.spec.ConfigOptions.Type.DURATION;
import static io.vigil.pipelines.spec.ConfigOptions.Type.INTEGER;
import static io.vigil.pipelines.spec.ConfigOptions.Type.NUMBER;
import static io.vigil.pipelines.spec.ConfigOptions.Type.POINTER;
import static io.vigil.pipelines.spec.ConfigOptions.Type.RATE;
import static io.vigil.pipelines.spec.ConfigOptions.Type.STRING;
import static io.vigil.pipelines.spec.ConfigOptions.Type.STRINGS;
import static io.vigil.pipelines.spec.ConfigOptions.Type.TOPIC_FILTERS;

import io.vigil.pipelines.spec.ConfigOptions.Option;
import io.vigil.pipelines.spec.PipelineSpec.PayloadFormat;
import io.vigil.pipelines.spec.PipelineSpec.TimestampFormat;
import io.vigil.pipelines.spec.PipelineSpec.WindowType;
import java.util.ArrayList;
import java.util.List;

/**
 * Every key a pipeline file may hold, declared once. The parser derives the allowed keys of each
 * block and the limits of each value from this list; {@code docs/pipelines.md} and {@code
 * config/schema/pipeline.schema.json} are generated from it.
 */
public final class PipelineOptions {

    /** The optional fields a result message may carry; all by default. */
    public static final List<String> RESULT_FIELDS =
            List.of("id", "window", "score", "threshold", "channels", "model", "episode", "stats");

    public static final ConfigOptions OPTIONS = new ConfigOptions(declare());

    /**
     * What the pipeline schema says beyond the keys: which window keys go with which window type,
     * the CSV block with the CSV format, a threshold or a calibration but not both. The parser
     * checks the same; fixtures test that both agree.
     */
    public static final String SCHEMA_RULES =
            """
            {"allOf": [
              {"if": {"properties": {"window": {"anyOf": [
                  {"type": "object", "not": {"required": ["type"]}},
                  {"properties": {"type": {"const": "sliding"}}}]}}},
               "then": {"properties": {"window": {"required": ["length", "hop"],
                  "not": {"anyOf": [{"required": ["every"]}, {"required": ["gap"]}, {"required": ["max-length"]}]}}}}},
              {"if": {"properties": {"window": {"properties": {"type": {"const": "tumbling"}}, "required": ["type"]}}},
               "then": {"properties": {"window": {"required": ["length"],
                  "not": {"anyOf": [{"required": ["hop"]}, {"required": ["every"]}, {"required": ["gap"]}, {"required": ["max-length"]}]}}}}},
              {"if": {"properties": {"window": {"properties": {"type": {"const": "count"}}, "required": ["type"]}}},
               "then": {"properties": {"window": {
                  "not": {"anyOf": [{"required": ["length"]}, {"required": ["hop"]}, {"required": ["gap"]}, {"required": ["max-length"]},
                                    {"required": ["sample-period"]}, {"required": ["resample"]}, {"required": ["max-gap"]}]}}}}},
              {"if": {"properties": {"window": {"properties": {"type": {"const": "session"}}, "required": ["type"]}}},
               "then": {"properties": {"window": {"required": ["gap"],
                  "not": {"anyOf": [{"required": ["length"]}, {"required": ["hop"]}, {"required": ["every"]}, {"required": ["sample-period"]}]}}}}},
              {"if": {"properties": {"source": {"properties": {"format": {"const": "csv"}}, "required": ["format"]}}},
               "then": {"properties": {"source": {"required": ["csv"], "properties": {"csv": {"required": ["columns"]}}}}},
               "else": {"properties": {"source": {"not": {"required": ["csv"]}}}}},
              {"if": {"properties": {"source": {"properties": {"format": {"const": "sparkplug-b"}}, "required": ["format"]}}},
               "then": {"properties": {"source": {
                  "not": {"anyOf": [{"required": ["timestamp"]}, {"required": ["asset"]}, {"required": ["channel"]}, {"required": ["records"]}, {"required": ["value"]}]},
                  "properties": {"topics": {"items": {"pattern": "^spBv1\\\\.0/"}}}}}}},
              {"properties": {"detect": {"not": {"type": "object", "required": ["threshold", "calibrate"]}}}}
            ]}
            """;

    private PipelineOptions() {}

    private static List<Option> declare() {
        List<Option> o = new ArrayList<>();
        o.add(
                key("name", STRING)
                        .mandatory()
                        .doc(
                                "Pipeline name: lowercase letters, digits and '-'; unique per gateway; used in topics and operator ids."));

        o.add(
                key("source", BLOCK)
                        .mandatory()
                        .doc("Where readings come from and how to decode them."));
        o.add(
                key("source.topics", TOPIC_FILTERS)
                        .mandatory()
                        .doc(
                                "Topic templates to subscribe to. A level may be '+', '#' (last level only) or named: {asset} and {channel} are read from the topic, other names only document a level."));
        o.add(
                key("source.format", STRING)
                        .defaultValue("json")
                        .oneOf(PayloadFormat.values())
                        .doc("How payloads are written."));
        o.add(
                key("source.asset", POINTER)
                        .doc(
                                "JSON Pointer to the asset id inside each reading, for payloads that name their asset; otherwise {asset} in the topic (Sparkplug B: the device, or the edge node)."));
        o.add(
                key("source.channel", POINTER)
                        .doc(
                                "JSON Pointer to the channel name inside each reading, for payloads that carry one channel per reading; otherwise {channel} in the topic, or one field per channel."));
        o.add(
                key("source.value", STRING)
                        .defaultValue("value")
                        .doc(
                                "Where a one-channel reading keeps its value: a JSON field or Pointer, or a CSV column."));
        o.add(
                key("source.records", POINTER)
                        .doc(
                                "JSON Pointer to an array of readings inside each message (batched records). A message that is itself an array is read item by item anyway."));
        o.add(key("source.csv", BLOCK).doc("CSV layout (format: csv)."));
        o.add(
                key("source.csv.columns", STRINGS)
                        .doc(
                                "Column names in order; required for csv. The timestamp and the channels' fields refer to them."));
        o.add(
                key("source.csv.delimiter", STRING)
                        .defaultValue(",")
                        .doc("The separator: one character."));
        o.add(
                key("source.csv.header", BOOLEAN)
                        .defaultValue("false")
                        .doc("Whether each message starts with a header line, which is skipped."));
        o.add(key("source.timestamp", BLOCK).doc("How to read event time (not for sparkplug-b)."));
        o.add(
                key("source.timestamp.field", STRING)
                        .defaultValue("ts")
                        .doc("JSON field or Pointer, or CSV column, with the event time."));
        o.add(
                key("source.timestamp.format", STRING)
                        .defaultValue("epoch-millis")
                        .oneOf(TimestampFormat.values())
                        .doc(
                                "How the event time is written; 'arrival' uses the time the gateway received the message."));
        o.add(
                key("source.channels", CHANNELS)
                        .mandatory()
                        .doc(
                                "The model's channels: a name (read from the field of that name), or a block with the keys below."));
        o.add(
                key("source.channels.name", STRING)
                        .mandatory()
                        .doc("Channel name, as the model card lists it."));
        o.add(
                key("source.channels.field", STRING)
                        .doc(
                                "Where the value is: JSON field or Pointer, CSV column, Sparkplug metric name, or the channel id in the topic or payload. Default: the name."));
        o.add(
                key("source.channels.scale", NUMBER)
                        .defaultValue("1")
                        .doc("Unit conversion: value × scale + offset, before anything else."));
        o.add(key("source.channels.offset", NUMBER).defaultValue("0").doc("Added after scale."));
        o.add(
                key("source.channels.min", NUMBER)
                        .doc(
                                "Smallest plausible value (after scaling); a reading below it is a dead letter."));
        o.add(
                key("source.channels.max", NUMBER)
                        .doc(
                                "Largest plausible value (after scaling); a reading above it is a dead letter."));
        o.add(
                key("source.channels.derive", STRING)
                        .oneOf(Derivation.values())
                        .doc(
                                "Compute this channel from the channel 'from': on the window's grid (difference, rolling-rms), or over the asset's first readings (early-mean)."));
        o.add(
                key("source.channels.from", STRING)
                        .doc("The channel a derived channel is computed from."));
        o.add(
                key("source.channels.samples", INTEGER)
                        .defaultValue("8")
                        .range(2, 4096)
                        .doc(
                                "Rows a rolling-rms spans; the asset's first readings an early-mean averages."));
        o.add(
                key("source.early-levels", STRING)
                        .doc(
                                "CSV file (relative to this pipeline file) of early levels known from the assets' records, for assets already in service when the gateway first sees them: a header 'asset,<channel>,...' naming channels that an early-mean is derived from, then one row per asset, in the channels' units. An empty cell, or an asset not listed, is learned from the readings."));

        o.add(key("time", BLOCK).doc("Event-time settings."));
        o.add(
                key("time.max-out-of-orderness", DURATION)
                        .defaultValue("2s")
                        .doc("How far a reading may trail the newest one and still count."));
        o.add(
                key("time.idle-timeout", DURATION)
                        .defaultValue("10s")
                        .doc(
                                "After this long without readings, event time follows the wall clock, so the last windows close even when the plant goes quiet."));
        o.add(
                key("time.allowed-lateness", DURATION)
                        .defaultValue("0ms")
                        .range(0, Double.MAX_VALUE)
                        .doc(
                                "How long a window stays open for late readings after event time passed its end; it is scored when it closes."));

        o.add(
                key("window", BLOCK)
                        .mandatory()
                        .doc("How each asset's readings become the model's input."));
        o.add(
                key("window.type", STRING)
                        .defaultValue("sliding")
                        .oneOf(WindowType.values())
                        .doc(
                                "sliding (length, hop), tumbling (length), count (every), or session (gap)."));
        o.add(
                key("window.length", DURATION)
                        .doc(
                                "Window length (sliding, tumbling); length / sample-period must equal the model's input length."));
        o.add(
                key("window.hop", DURATION)
                        .doc("Time between two window ends (sliding; required there)."));
        o.add(
                key("window.every", INTEGER)
                        .range(1, 1_000_000)
                        .doc(
                                "Count windows: readings between two windows; default: the window size (no overlap)."));
        o.add(key("window.gap", DURATION).doc("Session windows: the silence that ends a session."));
        o.add(
                key("window.max-length", DURATION)
                        .defaultValue("1h")
                        .doc("Session windows: a session this long is closed and scored."));
        o.add(
                key("window.sample-period", DURATION)
                        .doc("Grid step (sliding, tumbling); default: the model's sample period."));
        o.add(
                key("window.resample", STRING)
                        .defaultValue("last")
                        .oneOf(Resampling.values())
                        .doc("How a channel's readings in one grid cell become its value."));
        o.add(
                key("window.missing", STRING)
                        .defaultValue("forward-fill")
                        .oneOf(MissingPolicy.values())
                        .doc(
                                "What a cell without a reading gets: the previous value (up to max-gap), the model's normal value (mask), or the window is skipped."));
        o.add(
                key("window.max-gap", DURATION)
                        .doc(
                                "The longest a value is carried forward or interpolated across; default: the window length."));
        o.add(
                key("window.stagger", BOOLEAN)
                        .defaultValue("false")
                        .doc(
                                "Sliding, tumbling: shift each asset's windows by a fixed phase within the hop (from its id), so that many assets' windows close spread over the hop instead of all at once."));
        o.add(
                key("window.min-coverage", NUMBER)
                        .range(0, 1)
                        .doc(
                                "Share of rows in which every channel had a reading of its own; emptier windows are skipped and counted."
                                        + " Defaults to 0.9, and to 1 for count windows: below 1, an asset's first count windows come"
                                        + " before it has a full window of readings, the missing first rows repeating its first reading"
                                        + " (for models trained on such front-padded histories)."));

        o.add(key("model", BLOCK).mandatory().doc("The model that scores each window."));
        o.add(
                key("model.name", STRING)
                        .doc(
                                "A model shipped with Vigil (models/zoo/<name>). One of name or path is required."));
        o.add(
                key("model.path", STRING)
                        .doc(
                                "A folder with card.json and the ONNX file, relative to the pipeline file."));
        o.add(
                key("model.variant", STRING)
                        .defaultValue("fp32")
                        .doc(
                                "Which of the card's ONNX files to run: fp32, or another variant the card lists, such as int8 (weights stored as 8-bit integers)."));
        o.add(
                key("model.batch-size", INTEGER)
                        .defaultValue("32")
                        .range(1, 4096)
                        .doc("Windows scored together at most."));
        o.add(
                key("model.batch-timeout", DURATION)
                        .defaultValue("20ms")
                        .doc("The longest a window waits for its batch to fill."));

        o.add(key("detect", BLOCK).doc("How scores become events (see docs/thresholds.md)."));
        o.add(
                key("detect.threshold", NUMBER)
                        .range(0, Double.MAX_VALUE)
                        .doc(
                                "Anomaly threshold on the window score; default: the model card's calibrated threshold. Not with calibrate."));
        o.add(
                key("detect.calibrate", BLOCK)
                        .doc(
                                "Calibrate a threshold per asset from its own first windows (peaks over threshold); no anomaly events until then."));
        o.add(
                key("detect.calibrate.windows", INTEGER)
                        .defaultValue("3600")
                        .range(10, 10_000)
                        .doc("Windows of each asset scored before its threshold is fitted."));
        o.add(
                key("detect.calibrate.initial-quantile", NUMBER)
                        .defaultValue("0.98")
                        .range(0.5, 0.999)
                        .doc("Quantile of those scores where the tail fit starts."));
        o.add(
                key("detect.calibrate.risk", NUMBER)
                        .defaultValue("0.001")
                        .range(1e-9, 0.1)
                        .doc("Chance that a normal window scores above the fitted threshold."));
        o.add(
                key("detect.horizon", NUMBER)
                        .range(0, Double.MAX_VALUE)
                        .doc(
                                "RUL models: a maintenance-due event when the predicted remaining life falls below this (the model's unit, e.g. cycles)."));
        o.add(
                key("detect.clear", NUMBER)
                        .defaultValue("1")
                        .range(0.01, 100)
                        .doc(
                                "Hysteresis, as a share of the threshold: 0.8 clears an anomaly once the score is back below 80 % of the threshold; 1.2 clears a maintenance-due once the predicted life is back above 120 % of the horizon."));
        o.add(
                key("detect.debounce", BLOCK)
                        .doc("Raise only when k of the last n windows are over."));
        o.add(
                key("detect.debounce.k", INTEGER)
                        .defaultValue("1")
                        .range(1, 64)
                        .doc("Windows over the threshold needed."));
        o.add(
                key("detect.debounce.n", INTEGER)
                        .defaultValue("1")
                        .range(1, 64)
                        .doc("Windows looked at."));
        o.add(
                key("detect.cooldown", DURATION)
                        .defaultValue("0ms")
                        .range(0, Double.MAX_VALUE)
                        .doc("Least event time between an alarm clearing and the next one."));

        o.add(
                key("output", BLOCK)
                        .doc("Where results go. Topics may use {pipeline}, {asset} and {type}."));
        o.add(
                key("output.qos", INTEGER)
                        .defaultValue("1")
                        .range(0, 1)
                        .doc("Default MQTT QoS of every output."));
        o.add(
                key("output.top-channels", INTEGER)
                        .defaultValue("3")
                        .range(1, 64)
                        .doc("How many channels an event blames, worst first."));
        stream(
                o,
                "events",
                "results/{pipeline}/{asset}/{type}",
                false,
                null,
                "Anomaly and maintenance-due episodes: one event when raised, one when cleared (upstream broker).");
        stream(
                o,
                "health",
                "results/{pipeline}/{asset}/health",
                true,
                "10s",
                "The health message per asset: first window, then once per interval (upstream broker).");
        stream(
                o,
                "scores",
                null,
                false,
                null,
                "Every window's score; off unless a topic is given (upstream broker).");
        o.add(
                key("output.dead-letters", BLOCK)
                        .doc(
                                "Undecodable payloads with the reason (plant broker: raw data never goes upstream)."));
        o.add(
                key("output.dead-letters.topic", STRING)
                        .defaultValue("vigil/dead-letter/{pipeline}")
                        .doc("Topic template."));
        o.add(
                key("output.dead-letters.qos", INTEGER)
                        .range(0, 1)
                        .doc("MQTT QoS; default output.qos."));
        o.add(key("output.late", BLOCK).doc("Readings too late for their windows (plant broker)."));
        o.add(
                key("output.late.topic", STRING)
                        .defaultValue("vigil/late/{pipeline}")
                        .doc("Topic template."));
        o.add(key("output.late.qos", INTEGER).range(0, 1).doc("MQTT QoS; default output.qos."));
        return o;
    }

    private static void stream(
            List<Option> o,
            String name,
            String topic,
            boolean retain,
            String interval,
            String what) {
        String p = "output." + name;
        o.add(key(p, BLOCK).doc(what));
        o.add(key(p + ".topic", STRING).defaultValue(topic).doc("Topic template."));
        o.add(key(p + ".qos", INTEGER).range(0, 1).doc("MQTT QoS; default output.qos."));
        o.add(
                key(p + ".retain", BOOLEAN)
                        .defaultValue(String.valueOf(retain))
                        .doc("Whether the broker keeps the last message of each topic."));
        o.add(
                key(p + ".rate-limit", RATE)
                        .doc(
                                "At most this many messages per asset, such as '10/min' (event time); the rest are counted, not sent."));
        o.add(
                key(p + ".fields", STRINGS)
                        .oneOf(RESULT_FIELDS.toArray(String[]::new))
                        .doc(
                                "Optional fields to include; default all. schema, type, pipeline, asset and time are always there."));
        if (interval != null) {
            o.add(
                    key(p + ".interval", DURATION)
                            .defaultValue(interval)
                            .doc("Event time between two messages of one asset."));
        }
    }
}
