package io.vigil.pipelines.spec;

import io.vigil.models.ModelCard;
import io.vigil.models.ModelLocation;
import io.vigil.pipelines.TopicTemplate;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One pipeline, as an operator wrote it in YAML and {@link PipelineParser} checked it: where
 * readings come from and how they are decoded, how they are windowed, which model scores them, how
 * scores become events and where results go. Immutable; every part is validated, and consistent
 * with the model, before any Flink code sees it.
 */
public record PipelineSpec(
        String name,
        String file,
        Source source,
        Time time,
        Window window,
        Model model,
        Detect detect,
        Output output)
        implements Serializable {

    public PipelineSpec {
        Objects.requireNonNull(name, "name must not be null.");
        Objects.requireNonNull(source, "source must not be null.");
        Objects.requireNonNull(time, "time must not be null.");
        Objects.requireNonNull(window, "window must not be null.");
        Objects.requireNonNull(model, "model must not be null.");
        Objects.requireNonNull(detect, "detect must not be null.");
        Objects.requireNonNull(output, "output must not be null.");
    }

    /** How payloads are written. */
    public enum PayloadFormat implements ConfigOptions.Named {
        /** A JSON object per reading, an array of them, or an array inside an object. */
        JSON("json"),
        /** Text lines of comma-separated (or other delimiter) values, one reading per line. */
        CSV("csv"),
        /** Eclipse Sparkplug B protobuf: births define metric aliases, data messages use them. */
        SPARKPLUG_B("sparkplug-b");

        private final String yaml;

        PayloadFormat(String yaml) {
            this.yaml = yaml;
        }

        @Override
        public String yaml() {
            return yaml;
        }
    }

    /** How event time is written in a payload, or that arrival time stands in for it. */
    public enum TimestampFormat implements ConfigOptions.Named {
        EPOCH_MILLIS("epoch-millis"),
        EPOCH_SECONDS("epoch-seconds"),
        EPOCH_MICROS("epoch-micros"),
        ISO_8601("iso-8601"),
        /** The time the gateway received the message; for sensors without a clock. */
        ARRIVAL("arrival");

        private final String yaml;

        TimestampFormat(String yaml) {
            this.yaml = yaml;
        }

        @Override
        public String yaml() {
            return yaml;
        }
    }

    /**
     * Where readings come from and how they are decoded.
     *
     * @param topics topic templates: MQTT filters whose levels may be named ({@code {asset}})
     * @param format how payloads are written
     * @param assetPointer JSON Pointer to the asset id inside a reading, or {@code null} when the
     *     topic's {@code {asset}} level (or, for Sparkplug, the device or edge node) names it
     * @param channelPointer JSON Pointer to the channel name inside a reading, or {@code null}
     * @param valueField where a one-channel reading keeps its value (field, pointer or column)
     * @param recordsPointer JSON Pointer to an array of readings inside a message, or {@code null}
     * @param csv CSV layout, or {@code null} for other formats
     * @param timestampField field, pointer or column with the event time
     * @param timestampFormat how that field is written
     * @param inputs the channels read from payloads, in the order of {@code Reading.values()}
     * @param columns the model's input columns in the model's order: inputs and derived channels
     * @param earlyLevels early levels known from the assets' records, {@link EarlyLevels#NONE} when
     *     every asset learns its own
     */
    public record Source(
            List<TopicTemplate> topics,
            PayloadFormat format,
            String assetPointer,
            String channelPointer,
            String valueField,
            String recordsPointer,
            Csv csv,
            String timestampField,
            TimestampFormat timestampFormat,
            List<Channel> inputs,
            List<Channel> columns,
            EarlyLevels earlyLevels)
            implements Serializable {
        public Source {
            topics = List.copyOf(topics);
            inputs = List.copyOf(inputs);
            columns = List.copyOf(columns);
            Objects.requireNonNull(earlyLevels, "earlyLevels");
        }

        /**
         * Whether each reading carries one channel, named by the topic or the payload, rather than
         * one field per channel.
         */
        public boolean oneChannelPerReading() {
            return channelPointer != null || topics.stream().anyMatch(t -> t.channelLevel() >= 0);
        }

        /** The plain MQTT filters to subscribe to. */
        public List<String> filters() {
            return topics.stream().map(TopicTemplate::filter).toList();
        }
    }

    /**
     * CSV layout.
     *
     * @param columns column names in order; the timestamp column and the channels' fields name them
     * @param delimiter the separator
     * @param header whether each message starts with a header line, which is skipped
     */
    public record Csv(List<String> columns, char delimiter, boolean header)
            implements Serializable {
        public Csv {
            columns = List.copyOf(columns);
        }
    }

    /**
     * Early levels known from the assets' records ({@code source.early-levels}), for assets already
     * in service when the gateway first sees them: an asset listed here starts with these levels
     * instead of learning them from its first readings.
     *
     * @param file the CSV file they were read from, or null when there is none
     * @param assets asset id to (input channel name to level, in the channel's units); a channel
     *     missing from an asset's map is learned from its readings
     */
    public record EarlyLevels(String file, Map<String, Map<String, Double>> assets)
            implements Serializable {

        /** No known levels: every asset learns its own. */
        public static final EarlyLevels NONE = new EarlyLevels(null, Map.of());

        public EarlyLevels {
            assets =
                    assets.entrySet().stream()
                            .collect(
                                    Collectors.toUnmodifiableMap(
                                            Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
        }

        /** The known level of one asset's channel, or NaN. */
        public double level(String asset, String channel) {
            Map<String, Double> levels = assets.get(asset);
            Double level = levels == null ? null : levels.get(channel);
            return level == null ? Double.NaN : level;
        }
    }

    /**
     * One channel: read from payloads (an input) or derived from another channel on the grid.
     *
     * @param name the channel's name, as the model card lists it
     * @param field where its value is: JSON field or pointer, CSV column, Sparkplug metric, or the
     *     channel id in the topic or payload; {@code null} for a derived channel
     * @param scale multiplied into every value first (unit conversion)
     * @param offset added after scaling
     * @param min smallest plausible value after scaling; smaller readings are dead letters
     * @param max largest plausible value after scaling
     * @param derivation how a derived channel is computed, or {@code null} for an input
     * @param from the channel a derived channel is computed from
     * @param samples rows a rolling derivation spans
     */
    public record Channel(
            String name,
            String field,
            double scale,
            double offset,
            double min,
            double max,
            Derivation derivation,
            String from,
            int samples)
            implements Serializable {

        /** An input channel with no conversion and no range: read from {@code field}. */
        public static Channel input(String name, String field) {
            return new Channel(
                    name,
                    field,
                    1.0,
                    0.0,
                    Double.NEGATIVE_INFINITY,
                    Double.POSITIVE_INFINITY,
                    null,
                    null,
                    0);
        }

        public boolean derived() {
            return derivation != null;
        }

        /**
         * Whether {@code value} (after scaling) is a plausible reading of this channel, compared as
         * the float the model gets, so that a bound such as 0.1 admits 0.1.
         */
        public boolean plausible(float value) {
            return value >= (float) min && value <= (float) max;
        }
    }

    /**
     * Event-time settings.
     *
     * @param maxOutOfOrderness how far a reading may trail the newest one and still count
     * @param idleTimeout after this long without readings event time follows the wall clock, so the
     *     last windows of a quiet plant still close
     * @param allowedLateness how long a window stays open after event time passed its end
     */
    public record Time(Duration maxOutOfOrderness, Duration idleTimeout, Duration allowedLateness)
            implements Serializable {}

    /** The kinds of window. */
    public enum WindowType implements ConfigOptions.Named {
        /** Fixed length, a new window every hop; windows overlap. */
        SLIDING("sliding"),
        /** Fixed length, back to back. */
        TUMBLING("tumbling"),
        /** The last {@code size} readings of each channel, every {@code every} readings. */
        COUNT("count"),
        /** A burst of readings ended by a gap, resampled onto the model's rows. */
        SESSION("session");

        private final String yaml;

        WindowType(String yaml) {
            this.yaml = yaml;
        }

        @Override
        public String yaml() {
            return yaml;
        }
    }

    /**
     * How readings of one asset become the model's fixed {@code rows × columns} tensor.
     *
     * @param type the kind of window
     * @param length window length (sliding, tumbling)
     * @param hop time between window ends (sliding; the length for tumbling)
     * @param every readings between two count windows
     * @param gap silence that ends a session
     * @param maxLength longest session; a longer one is closed and scored
     * @param samplePeriod grid step (sliding, tumbling)
     * @param rows tensor rows: the model's input length
     * @param resampling how a cell's readings become its value
     * @param missing what an empty cell gets
     * @param maxGap how far a value is carried forward or interpolated across
     * @param minCoverage share of rows in which every channel had a reading of its own
     * @param stagger whether each asset's windows (sliding, tumbling) are shifted by a fixed phase
     *     within the hop, so that many assets' windows do not all close at the same moment
     */
    public record Window(
            WindowType type,
            Duration length,
            Duration hop,
            int every,
            Duration gap,
            Duration maxLength,
            Duration samplePeriod,
            int rows,
            Resampling resampling,
            MissingPolicy missing,
            Duration maxGap,
            double minCoverage,
            boolean stagger)
            implements Serializable {

        /** Whether windows sit on a fixed time grid (sliding, tumbling). */
        public boolean timed() {
            return type == WindowType.SLIDING || type == WindowType.TUMBLING;
        }

        /**
         * Rows that must hold the asset's own readings for a window to be scored ({@code
         * minCoverage} of the rows, and never none); for count windows below full coverage, also
         * the readings an asset needs before its first window.
         */
        public int minCoveredRows() {
            return Math.max(1, (int) Math.ceil(minCoverage * rows));
        }
    }

    /**
     * The model that scores each window.
     *
     * @param location where the model lives
     * @param card its card, read when the pipeline was parsed
     * @param batchSize windows scored together at most
     * @param batchTimeout the longest a window waits for its batch to fill
     */
    public record Model(
            ModelLocation location, ModelCard card, int batchSize, Duration batchTimeout)
            implements Serializable {

        /** Whether the model predicts remaining useful life rather than an anomaly score. */
        public boolean predictsRul() {
            return ModelCard.RUL.equals(card.task());
        }
    }

    /**
     * Per-asset threshold calibration by peaks over threshold.
     *
     * @param windows scores collected before the threshold is fitted
     * @param initialQuantile quantile of those scores where the tail fit starts
     * @param risk the chance that a normal window scores above the fitted threshold
     */
    public record Calibration(int windows, double initialQuantile, double risk)
            implements Serializable {}

    /**
     * How scores become episodes: one event when an alarm is raised, one when it clears.
     *
     * @param event {@code anomaly} (score above threshold) or {@code maintenance-due} (predicted
     *     remaining life below the horizon)
     * @param threshold the raise level: anomaly threshold, or the RUL horizon; NaN for a RUL
     *     pipeline without a horizon (no events, RUL in health and scores only)
     * @param clearRatio the clear level as a share of the threshold (hysteresis); 1 for none
     * @param calibration per-asset calibration, or {@code null} for a fixed threshold
     * @param k windows of the last {@code n} that must be over the threshold to raise
     * @param n debounce span
     * @param cooldown the least event time between a clear and the next raise
     */
    public record Detect(
            String event,
            double threshold,
            double clearRatio,
            Calibration calibration,
            int k,
            int n,
            Duration cooldown)
            implements Serializable {

        /** Whether low scores are bad (remaining useful life) rather than high ones. */
        public boolean lowIsBad() {
            return "maintenance-due".equals(event);
        }
    }

    /**
     * One result stream. Topics are templates over {@code {pipeline}}, {@code {asset}} and {@code
     * {type}}.
     *
     * @param topic the topic template, or {@code null} when the stream is off
     * @param qos MQTT QoS (0 or 1)
     * @param retain whether the broker keeps the last message per topic
     * @param ratePerSecond per-asset limit in event time, or 0 for none; messages over it are
     *     counted, not sent
     * @param fields the optional fields to include
     * @param interval event time between two messages of one asset (health only)
     */
    public record Stream(
            String topic,
            int qos,
            boolean retain,
            double ratePerSecond,
            List<String> fields,
            Duration interval)
            implements Serializable {
        public Stream {
            fields = List.copyOf(fields);
        }

        public boolean enabled() {
            return topic != null;
        }

        public boolean has(String field) {
            return fields.contains(field);
        }
    }

    /**
     * Where results go.
     *
     * @param topChannels how many channels an event blames, worst first
     * @param events anomaly and maintenance-due episodes
     * @param health the retained health message per asset
     * @param scores every window's score (off unless a topic is given)
     * @param deadLetters undecodable payloads, with the reason (plant broker)
     * @param late readings too late for their windows (plant broker)
     */
    public record Output(
            int topChannels,
            Stream events,
            Stream health,
            Stream scores,
            Stream deadLetters,
            Stream late)
            implements Serializable {}
}
