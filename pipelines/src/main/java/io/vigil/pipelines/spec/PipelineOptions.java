package io.vigil.pipelines.spec;

import io.vigil.pipelines.spec.ConfigOptions.Option;
import io.vigil.pipelines.spec.ConfigOptions.Type;
import java.util.List;

/**
 * Every key a pipeline file may hold, declared once. The parser derives the allowed keys of each
 * block from this list, and the reference docs and the JSON Schema are tested against it.
 */
public final class PipelineOptions {

    public static final ConfigOptions OPTIONS =
            new ConfigOptions(
                    List.of(
                            option(
                                    "name",
                                    Type.STRING,
                                    null,
                                    true,
                                    "Pipeline name: lowercase letters, digits and '-'; unique per gateway; used in topics and operator uids."),
                            option("source", Type.BLOCK, null, true, "Where readings come from."),
                            option(
                                    "source.topics",
                                    Type.TOPIC_FILTERS,
                                    null,
                                    true,
                                    "MQTT topic filters to read; '+' matches one level, '#' the rest."),
                            option(
                                    "source.asset",
                                    Type.BLOCK,
                                    null,
                                    true,
                                    "How to find the asset id."),
                            option(
                                    "source.asset.topic-segment",
                                    Type.INTEGER,
                                    null,
                                    true,
                                    "0-based topic level that holds the asset id."),
                            option(
                                    "source.timestamp",
                                    Type.BLOCK,
                                    null,
                                    false,
                                    "How to read event time from the payload."),
                            option(
                                    "source.timestamp.field",
                                    Type.STRING,
                                    "ts",
                                    false,
                                    "JSON field with the event time."),
                            option(
                                    "source.timestamp.format",
                                    Type.STRING,
                                    "epoch-millis",
                                    false,
                                    "epoch-millis, epoch-seconds, epoch-micros or iso-8601."),
                            option(
                                    "source.channels",
                                    Type.CHANNELS,
                                    null,
                                    true,
                                    "The model's channels: a name (read from the JSON field of that name) or {name, field}."),
                            option("time", Type.BLOCK, null, false, "Event-time settings."),
                            option(
                                    "time.max-out-of-orderness",
                                    Type.DURATION,
                                    "2s",
                                    false,
                                    "How far a reading may trail the newest one and still count."),
                            option(
                                    "time.idle-timeout",
                                    Type.DURATION,
                                    "10s",
                                    false,
                                    "After this long without input a source split no longer holds back event time."),
                            option(
                                    "window",
                                    Type.BLOCK,
                                    null,
                                    true,
                                    "The sliding event-time window per asset."),
                            option(
                                    "window.length",
                                    Type.DURATION,
                                    null,
                                    true,
                                    "Window length; length / sample-period must equal the model's input length."),
                            option(
                                    "window.hop",
                                    Type.DURATION,
                                    null,
                                    true,
                                    "How often a window is scored."),
                            option(
                                    "window.sample-period",
                                    Type.DURATION,
                                    null,
                                    false,
                                    "Grid step of the tensor; defaults to the model's sample period."),
                            option(
                                    "window.min-coverage",
                                    Type.NUMBER,
                                    "0.9",
                                    false,
                                    "Share of grid rows that must hold a reading; emptier windows are skipped and counted."),
                            option(
                                    "model",
                                    Type.BLOCK,
                                    null,
                                    true,
                                    "The model that scores each window."),
                            option(
                                    "model.name",
                                    Type.STRING,
                                    null,
                                    false,
                                    "A model shipped with Vigil (models/zoo/<name>). One of name or path is required."),
                            option(
                                    "model.path",
                                    Type.STRING,
                                    null,
                                    false,
                                    "A folder with card.json and the ONNX file, relative to the pipeline file."),
                            option(
                                    "model.batch-size",
                                    Type.INTEGER,
                                    "32",
                                    false,
                                    "Windows scored together at most."),
                            option(
                                    "model.batch-timeout",
                                    Type.DURATION,
                                    "20ms",
                                    false,
                                    "The longest a window waits for its batch to fill."),
                            option(
                                    "detect",
                                    Type.BLOCK,
                                    null,
                                    false,
                                    "How scores become anomalies."),
                            option(
                                    "detect.threshold",
                                    Type.NUMBER,
                                    null,
                                    false,
                                    "Anomaly threshold on the window score; defaults to the model card's calibrated threshold."),
                            option(
                                    "output",
                                    Type.BLOCK,
                                    null,
                                    false,
                                    "Where results go. Topics may use {pipeline} and {asset}."),
                            option(
                                    "output.anomaly-topic",
                                    Type.STRING,
                                    "results/{pipeline}/{asset}/anomaly",
                                    false,
                                    "Topic of anomaly events (upstream broker)."),
                            option(
                                    "output.health-topic",
                                    Type.STRING,
                                    "results/{pipeline}/{asset}/health",
                                    false,
                                    "Topic of the retained health message per asset (upstream broker)."),
                            option(
                                    "output.health-interval",
                                    Type.DURATION,
                                    "10s",
                                    false,
                                    "Event time between two health messages of one asset."),
                            option(
                                    "output.qos",
                                    Type.INTEGER,
                                    "1",
                                    false,
                                    "MQTT QoS of results: 0 or 1."),
                            option(
                                    "output.top-channels",
                                    Type.INTEGER,
                                    "3",
                                    false,
                                    "How many channels an anomaly event names, worst first."),
                            option(
                                    "output.dead-letter-topic",
                                    Type.STRING,
                                    "vigil/dead-letter/{pipeline}",
                                    false,
                                    "Topic of malformed payloads with the reason (plant broker: raw data never goes upstream).")));

    private PipelineOptions() {}

    private static Option option(
            String path, Type type, String defaultValue, boolean required, String description) {
        return new Option(path, type, defaultValue, required, description);
    }
}
