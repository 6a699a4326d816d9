package io.vigil.pipelines.spec;

import io.vigil.models.ModelCard;
import io.vigil.models.ModelLocation;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One pipeline, as an operator wrote it in YAML and {@link PipelineParser} checked it: where
 * readings come from, how they are windowed, which model scores them and where results go.
 * Immutable; every part is validated before any Flink code sees it.
 */
public record PipelineSpec(
        String name,
        String file,
        Source source,
        Time time,
        Window window,
        Model model,
        Output output)
        implements Serializable {

    public PipelineSpec {
        Objects.requireNonNull(name, "name must not be null.");
        Objects.requireNonNull(source, "source must not be null.");
        Objects.requireNonNull(time, "time must not be null.");
        Objects.requireNonNull(window, "window must not be null.");
        Objects.requireNonNull(model, "model must not be null.");
        Objects.requireNonNull(output, "output must not be null.");
    }

    /** How event time is read from a payload. */
    public enum TimestampFormat {
        EPOCH_MILLIS("epoch-millis"),
        EPOCH_SECONDS("epoch-seconds"),
        EPOCH_MICROS("epoch-micros"),
        ISO_8601("iso-8601");

        private final String yaml;

        TimestampFormat(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    /**
     * Where readings come from.
     *
     * @param topics MQTT-style topic filters ({@code +} and {@code #} wildcards)
     * @param assetSegment the 0-based topic level that holds the asset id
     * @param timestampField the payload field with the event time
     * @param timestampFormat how that field is written
     * @param channels the channels, in the model's input order
     */
    public record Source(
            List<String> topics,
            int assetSegment,
            String timestampField,
            TimestampFormat timestampFormat,
            List<Channel> channels)
            implements Serializable {
        public Source {
            topics = List.copyOf(topics);
            channels = List.copyOf(channels);
        }
    }

    /** One channel of the model input and the payload field it is read from. */
    public record Channel(String name, String field) implements Serializable {}

    /**
     * Event-time settings.
     *
     * @param maxOutOfOrderness how late a reading may arrive behind the newest one and still count
     * @param idleTimeout after this long without readings a source split stops holding the
     *     watermark
     */
    public record Time(Duration maxOutOfOrderness, Duration idleTimeout) implements Serializable {}

    /**
     * A sliding event-time window per asset, resampled onto a fixed grid.
     *
     * @param length window length; {@code length / samplePeriod} rows of the tensor
     * @param hop how often a window is scored
     * @param samplePeriod the grid step; a reading lands in the row of its timestamp
     * @param minCoverage share of rows that must hold a reading; emptier windows are skipped,
     *     counted
     */
    public record Window(Duration length, Duration hop, Duration samplePeriod, double minCoverage)
            implements Serializable {

        /** Rows of the tensor this window becomes. */
        public int rows() {
            return (int) (length.toMillis() / samplePeriod.toMillis());
        }
    }

    /**
     * The model that scores each window.
     *
     * @param location where the model lives
     * @param card its card, read when the pipeline was parsed
     * @param threshold the anomaly threshold: the YAML's, or the card's calibrated one
     * @param batchSize windows scored together at most
     * @param batchTimeout the longest a window waits for its batch to fill
     */
    public record Model(
            ModelLocation location,
            ModelCard card,
            double threshold,
            int batchSize,
            Duration batchTimeout)
            implements Serializable {}

    /**
     * Where results go. Topic templates may use {@code {pipeline}} and {@code {asset}}.
     *
     * @param anomalyTopic anomaly events, one per anomalous window
     * @param healthTopic the retained health message per asset
     * @param healthInterval event time between two health messages of one asset
     * @param qos MQTT QoS of results (0 or 1)
     * @param deadLetterTopic malformed payloads, with the reason; stays on the plant broker
     * @param topChannels how many channels an anomaly event blames
     */
    public record Output(
            String anomalyTopic,
            String healthTopic,
            Duration healthInterval,
            int qos,
            String deadLetterTopic,
            int topChannels)
            implements Serializable {}
}
