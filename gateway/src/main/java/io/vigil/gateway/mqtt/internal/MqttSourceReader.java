package io.vigil.gateway.mqtt.internal;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.pipelines.InboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT client per Flink source reader. Paho's callback thread only puts each message into a
 * bounded hand-off queue; when the queue is full it blocks there, Paho stops reading the socket,
 * and the broker holds the rest: backpressure instead of drops. The task thread drains the queue in
 * {@link #pollNext} and acknowledges each QoS 1 message as it hands it to Flink, so a message still
 * in the queue when the job stops (a reload's stop-with-savepoint, a cancel) is unacknowledged and
 * the broker sends it again to the next reader with this client id.
 */
public final class MqttSourceReader implements SourceReader<InboundMessage, MqttSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceReader.class);
    private static final int MAX_RECORDS_PER_POLL = 256;

    /**
     * The task thread is woken for this many waiting messages, or {@link #HAND_OFF_LINGER} after
     * the first, whichever comes first (see {@link HandOffQueue}).
     */
    private static final int HAND_OFF_WAKE_BATCH = 64;

    private static final Duration HAND_OFF_LINGER = Duration.ofMillis(1);

    private final MqttConnectionConfig connection;
    private final List<String> topics;
    private final int qos;
    private final String sharedGroup;
    private final HandOffQueue<Delivery> handOff;
    private final Counter received;
    private final ScheduledExecutorService scheduler;

    private MqttAsyncClient client;
    private String statusTopic;
    private volatile Throwable fatal;
    private volatile boolean closed;
    private long connectAttempts;

    public MqttSourceReader(
            MqttConnectionConfig connection,
            List<String> topics,
            int qos,
            String sharedGroup,
            int queueCapacity,
            SourceReaderContext context) {
        this.connection = connection;
        this.topics = topics;
        this.qos = qos;
        this.sharedGroup = sharedGroup;
        this.received = context.metricGroup().counter("mqttMessagesReceived");
        // Schedules reconnects and wakes the task thread when a hand-off batch lingers.
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "vigil-mqtt-source-scheduler");
                            thread.setDaemon(true);
                            return thread;
                        });
        this.handOff =
                new HandOffQueue<>(queueCapacity, HAND_OFF_WAKE_BATCH, HAND_OFF_LINGER, scheduler);
    }

    @Override
    public void start() {}

    @Override
    public InputStatus pollNext(ReaderOutput<InboundMessage> output) {
        if (fatal != null) {
            throw new IllegalStateException("MQTT source failed: " + fatal.getMessage(), fatal);
        }
        for (int i = 0; i < MAX_RECORDS_PER_POLL; i++) {
            Delivery delivery = handOff.poll();
            if (delivery == null) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            output.collect(delivery.message);
            acknowledge(delivery);
        }
        return InputStatus.MORE_AVAILABLE;
    }

    private void acknowledge(Delivery delivery) {
        if (delivery.qos == 0) {
            return;
        }
        try {
            client.messageArrivedComplete(delivery.id, delivery.qos);
        } catch (MqttException e) {
            // The connection dropped: the broker resends the message after the reconnect, and the
            // duplicate is what at-least-once allows.
            LOG.debug("Cannot acknowledge message {}: {}", delivery.id, e.getMessage());
        }
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return handOff.availability();
    }

    @Override
    public void addSplits(List<MqttSplit> splits) {
        for (MqttSplit split : splits) {
            if (client != null) {
                LOG.warn("Reader already subscribed; ignoring extra split {}", split.splitId());
                continue;
            }
            client =
                    PahoClients.client(
                            connection, connection.clientIdPrefix() + "-source-" + split.index());
            statusTopic = SourceStatus.topic(connection.clientIdPrefix(), split.index());
            client.setCallback(new Callback());
            client.setManualAcks(true);
            scheduler.execute(this::connect);
        }
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public List<MqttSplit> snapshotState(long checkpointId) {
        // Nothing to remember: the broker's persistent session is the position.
        return new ArrayList<>();
    }

    private void connect() {
        if (closed) {
            return;
        }
        connectAttempts++;
        try {
            MqttConnectionOptions options = PahoClients.options(connection, true, 65_535);
            // If the gateway dies, the broker tells status watchers the reader is gone.
            options.setWill(
                    statusTopic,
                    new MqttMessage(SourceStatus.payload("offline", topics), 1, true, null));
            client.connect(
                    options,
                    null,
                    new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            // Subscribing happens in connectComplete, for reconnects too.
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable error) {
                            retryConnect(error);
                        }
                    });
        } catch (MqttException e) {
            retryConnect(e);
        }
    }

    private void retryConnect(Throwable error) {
        long delay =
                Math.min(
                        connection.maxReconnectDelay().toMillis(),
                        1000L << Math.min(connectAttempts - 1, 5));
        LOG.warn(
                "Cannot connect to MQTT broker {} ({}); retrying in {} ms",
                connection.serverUrl(),
                error.getMessage(),
                delay);
        if (!closed) {
            scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void subscribe() {
        MqttSubscription[] subscriptions = new MqttSubscription[topics.size()];
        for (int i = 0; i < subscriptions.length; i++) {
            String filter =
                    sharedGroup == null
                            ? topics.get(i)
                            : "$share/" + sharedGroup + "/" + topics.get(i);
            subscriptions[i] = new MqttSubscription(filter, qos);
        }
        try {
            client.subscribe(
                    subscriptions,
                    null,
                    new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            int[] codes = token.getReasonCodes();
                            for (int i = 0;
                                    codes != null && i < codes.length && i < subscriptions.length;
                                    i++) {
                                if (codes[i] >= 0x80) {
                                    fatal =
                                            new IllegalStateException(
                                                    "Broker "
                                                            + connection.serverUrl()
                                                            + " refused subscription '"
                                                            + subscriptions[i].getTopic()
                                                            + "' (reason code 0x"
                                                            + Integer.toHexString(codes[i])
                                                            + ")");
                                    handOff.wakeUp();
                                    return;
                                }
                            }
                            LOG.info(
                                    "Subscribed to {} on {}",
                                    List.of(subscriptions),
                                    connection.serverUrl());
                            publishStatus("online");
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable error) {
                            LOG.warn(
                                    "Subscribing on {} failed: {}",
                                    connection.serverUrl(),
                                    error.getMessage());
                        }
                    },
                    new MqttProperties());
        } catch (MqttException e) {
            LOG.warn("Subscribing on {} failed: {}", connection.serverUrl(), e.getMessage());
        }
    }

    /**
     * Publishes the reader's state, retained, so operators and the demo can see it is listening.
     */
    private void publishStatus(String state) {
        try {
            client.publish(statusTopic, SourceStatus.payload(state, topics), 1, true);
        } catch (MqttException e) {
            LOG.warn("Cannot publish reader status to {}: {}", statusTopic, e.getMessage());
        }
    }

    @Override
    public void close() throws Exception {
        closed = true;
        handOff.close();
        scheduler.shutdownNow();
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.publish(statusTopic, SourceStatus.payload("stopped", topics), 1, true)
                            .waitForCompletion(2_000);
                    client.disconnect(2_000).waitForCompletion(3_000);
                }
            } catch (MqttException e) {
                LOG.debug("Disconnect failed", e);
            } finally {
                client.close(true);
            }
        }
    }

    /** A message and what acknowledging it takes. */
    private record Delivery(InboundMessage message, int id, int qos) {}

    private final class Callback extends MqttCallbacks {

        Callback() {
            super(LOG, connection.serverUrl());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            if (closed) {
                throw new IllegalStateException(
                        "Reader closed; the broker redelivers this message.");
            }
            // Blocks while the queue is full: Paho stops reading and the broker keeps the rest.
            // The message is acknowledged when the task thread hands it to Flink.
            InboundMessage inbound =
                    new InboundMessage(topic, message.getPayload(), System.currentTimeMillis());
            if (!handOff.put(new Delivery(inbound, message.getId(), message.getQos()))) {
                // Woken up by close(): throwing leaves the message unacknowledged for redelivery.
                throw new IllegalStateException(
                        "Reader closed; the broker redelivers this message.");
            }
            received.inc();
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            LOG.info("{} MQTT broker {}", reconnect ? "Reconnected to" : "Connected to", serverUri);
            subscribe();
        }
    }
}
