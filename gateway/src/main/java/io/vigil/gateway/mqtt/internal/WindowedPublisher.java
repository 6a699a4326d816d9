package io.vigil.gateway.mqtt.internal;

import io.vigil.gateway.mqtt.MqttConnectionConfig;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Paho v5 publisher that keeps at most a window of publishes unacknowledged, used by the sink and
 * the simulator.
 *
 * <p>A slot is freed only in the completion callback, when the broker has acknowledged the publish
 * (QoS 1) or it is written (QoS 0); when the window is full {@link #publish} blocks, which is the
 * backpressure. Paho frees its own in-flight slot a moment after that callback, and refuses a
 * publish meanwhile ("too many publishes in progress"), so such a refusal is retried rather than
 * treated as an error. The window never exceeds the broker's Receive Maximum. Reconnects are
 * automatic; while disconnected, publishes wait.
 */
public final class WindowedPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WindowedPublisher.class);
    private static final int MAX_WINDOW = 128;
    private static final int TOO_MANY_IN_FLIGHT = 32202;
    private static final int BUFFER_FULL = 32203;
    private static final int NOT_CONNECTED = 32104;

    private final MqttConnectionConfig connection;
    private final String purpose;
    private final MqttAsyncClient client;
    private final Semaphore window;
    private final int windowSize;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final MqttActionListener completion;

    /**
     * Connects, retrying with backoff until the broker answers.
     *
     * @param purpose what is published, for log lines ("results", "telemetry")
     */
    public WindowedPublisher(MqttConnectionConfig connection, String clientId, String purpose) {
        this.connection = connection;
        this.purpose = purpose;
        this.client = PahoClients.client(connection, clientId);
        this.completion = new Completion();
        client.setCallback(new MqttCallbacks(LOG, connection.serverUrl()));
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(MAX_WINDOW);
        buffer.setDeleteOldestMessages(false);
        buffer.setPersistBuffer(false);
        client.setBufferOpts(buffer);
        this.windowSize = Math.min(MAX_WINDOW, connectUntilUp());
        this.window = new Semaphore(windowSize);
    }

    /** Publishes; blocks while the window is full or the broker is away. */
    public void publish(String topic, byte[] payload, int qos, boolean retain)
            throws InterruptedException {
        throwIfFailed();
        window.acquire();
        MqttMessage message = new MqttMessage(payload, qos, retain, null);
        while (true) {
            try {
                client.publish(topic, message, null, completion);
                return;
            } catch (MqttException e) {
                int code = e.getReasonCode();
                if (code != TOO_MANY_IN_FLIGHT && code != BUFFER_FULL && code != NOT_CONNECTED) {
                    window.release();
                    throw new IllegalStateException(
                            "Cannot publish to "
                                    + topic
                                    + " on "
                                    + connection.serverUrl()
                                    + ": "
                                    + e.getMessage(),
                            e);
                }
                Thread.sleep(1);
            }
        }
    }

    /** Waits until every publish so far is acknowledged. */
    public void awaitAcknowledged() throws InterruptedException {
        long started = System.nanoTime();
        while (!window.tryAcquire(windowSize, 10, TimeUnit.SECONDS)) {
            LOG.warn(
                    "Waiting for {} unacknowledged {} publishes to {} for {} s",
                    windowSize - window.availablePermits(),
                    purpose,
                    connection.serverUrl(),
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
        }
        window.release(windowSize);
        throwIfFailed();
    }

    /** Publishes the broker has acknowledged (or, at QoS 0, that were written). */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Publishes the broker answered with an error reason code. */
    public long refused() {
        return refused.get();
    }

    private int connectUntilUp() {
        long delay = 1_000;
        while (true) {
            try {
                IMqttToken token = client.connect(PahoClients.options(connection, true, 65_535));
                token.waitForCompletion(15_000);
                MqttProperties properties = token.getResponseProperties();
                Integer receiveMaximum = properties == null ? null : properties.getReceiveMaximum();
                LOG.info("Publishing {} to {}", purpose, connection.serverUrl());
                return receiveMaximum == null ? 65_535 : receiveMaximum;
            } catch (MqttException e) {
                LOG.warn(
                        "Cannot connect to MQTT broker {} to publish {} ({}); retrying in {} ms",
                        connection.serverUrl(),
                        purpose,
                        e.getMessage(),
                        delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(
                            "Interrupted while connecting to " + connection.serverUrl(),
                            interrupted);
                }
                delay = Math.min(delay * 2, connection.maxReconnectDelay().toMillis());
            }
        }
    }

    private void throwIfFailed() {
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException(
                    "Publishing "
                            + purpose
                            + " to "
                            + connection.serverUrl()
                            + " failed: "
                            + error.getMessage(),
                    error);
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.debug("Disconnect failed", e);
        } finally {
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("Close failed", e);
            }
        }
    }

    private final class Completion implements MqttActionListener {
        @Override
        public void onSuccess(IMqttToken token) {
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                refused.incrementAndGet();
                LOG.error(
                        "Broker {} refused a {} publish (reason code 0x{})",
                        connection.serverUrl(),
                        purpose,
                        Integer.toHexString(codes[0]));
            } else {
                acknowledged.incrementAndGet();
            }
            window.release();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable error) {
            failure.compareAndSet(null, error);
            window.release();
        }
    }
}
