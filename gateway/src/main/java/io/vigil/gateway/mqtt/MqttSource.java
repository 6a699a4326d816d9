package io.vigil.gateway.mqtt;

import io.vigil.gateway.mqtt.internal.MqttEnumeratorSerializer;
import io.vigil.gateway.mqtt.internal.MqttSourceReader;
import io.vigil.gateway.mqtt.internal.MqttSplit;
import io.vigil.gateway.mqtt.internal.MqttSplitEnumerator;
import io.vigil.gateway.mqtt.internal.MqttSplitSerializer;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.TopicFilters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Reads MQTT messages into Flink (FLIP-27 source). Each parallel reader is its own Paho v5 client
 * with a stable client id and a persistent session, and all readers join one MQTT 5 shared
 * subscription ({@code $share/<group>/<filter>}), so the broker splits the messages among them.
 *
 * <h2>Delivery guarantee</h2>
 *
 * At QoS 1 a message is acknowledged to the broker when the reader hands it from its bounded
 * hand-off queue to Flink, so:
 *
 * <ul>
 *   <li>While the gateway is down, or a reader reconnects, the broker queues QoS 1 messages for the
 *       reader's persistent session (up to the session expiry and the broker's queue limit) and
 *       delivers them when it returns: nothing is lost across disconnects and clean restarts.
 *   <li>When the readers are slower than the publishers, the hand-off queue fills, Paho stops
 *       reading, and messages wait in the broker: backpressure, not drops. (The broker's own queue
 *       limit still applies: Mosquitto's {@code max_queued_messages} and HiveMQ's {@code
 *       max-queue-size} default to 1 000; Vigil's embedded broker raises it.)
 *   <li>If the gateway process crashes, messages already acknowledged and in flight inside the job
 *       are lost: this source is at-least-once up to the hand-off to Flink, not end to end. MQTT
 *       has no offsets to rewind to. Messages still in the hand-off queue are not acknowledged yet,
 *       and the broker sends them again.
 *   <li>At QoS 0 the broker may drop messages for a slow subscriber.
 * </ul>
 *
 * <pre>{@code
 * MqttSource source = MqttSource.builder()
 *         .connection(MqttConnectionConfig.builder("tcp://localhost:1883").build())
 *         .topics(List.of("plant/pumps/+/telemetry"))
 *         .qos(1)
 *         .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt");
 * }</pre>
 */
public final class MqttSource
        implements Source<InboundMessage, MqttSplit, Void>, ResultTypeQueryable<InboundMessage> {

    private static final long serialVersionUID = 1L;

    private final MqttConnectionConfig connection;
    private final List<String> topics;
    private final int qos;
    private final String sharedGroup;
    private final int queueCapacity;

    private MqttSource(Builder builder) {
        this.connection = builder.connection;
        this.topics = List.copyOf(builder.topics);
        this.qos = builder.qos;
        this.sharedGroup = builder.sharedGroup;
        this.queueCapacity = builder.queueCapacity;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<MqttSplit, Void> createEnumerator(
            SplitEnumeratorContext<MqttSplit> context) {
        return new MqttSplitEnumerator(context);
    }

    @Override
    public SplitEnumerator<MqttSplit, Void> restoreEnumerator(
            SplitEnumeratorContext<MqttSplit> context, Void checkpoint) {
        return new MqttSplitEnumerator(context);
    }

    @Override
    public SimpleVersionedSerializer<MqttSplit> getSplitSerializer() {
        return new MqttSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new MqttEnumeratorSerializer();
    }

    @Override
    public SourceReader<InboundMessage, MqttSplit> createReader(SourceReaderContext context) {
        return new MqttSourceReader(connection, topics, qos, sharedGroup, queueCapacity, context);
    }

    @Override
    public TypeInformation<InboundMessage> getProducedType() {
        return TypeInformation.of(InboundMessage.class);
    }

    /** Builds an {@link MqttSource}; {@link #build()} checks what is required. */
    public static final class Builder {
        private MqttConnectionConfig connection;
        private List<String> topics = new ArrayList<>();
        private int qos = 1;
        private String sharedGroup = "vigil";
        private int queueCapacity = 1_000;

        private Builder() {}

        public Builder connection(MqttConnectionConfig connection) {
            this.connection = connection;
            return this;
        }

        /** Topic filters, with {@code +} and {@code #} wildcards. */
        public Builder topics(List<String> topics) {
            this.topics = new ArrayList<>(topics);
            return this;
        }

        /** Subscription QoS: 0 (at most once) or 1 (at least once, the default). */
        public Builder qos(int qos) {
            this.qos = qos;
            return this;
        }

        /**
         * The shared-subscription group the readers join (default {@code vigil}); {@code null} for
         * plain subscriptions, where every reader gets every message.
         */
        public Builder sharedGroup(String sharedGroup) {
            this.sharedGroup = sharedGroup;
            return this;
        }

        /** Messages each reader buffers between Paho and Flink (default 1 000). */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public MqttSource build() {
            Objects.requireNonNull(connection, "Connection is required but not provided.");
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("At least one topic filter is required.");
            }
            for (String topic : topics) {
                String problem = TopicFilters.problem(topic);
                if (problem != null) {
                    throw new IllegalArgumentException("Invalid topic filter: " + problem + ".");
                }
            }
            if (qos != 0 && qos != 1) {
                throw new IllegalArgumentException("QoS must be 0 or 1, got " + qos + ".");
            }
            if (sharedGroup != null && !sharedGroup.matches("[^/+#]+")) {
                throw new IllegalArgumentException(
                        "Shared group must be a non-empty name without '/', '+' or '#', got '"
                                + sharedGroup
                                + "'.");
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException(
                        "Queue capacity must be positive, got " + queueCapacity + ".");
            }
            return new MqttSource(this);
        }
    }
}
