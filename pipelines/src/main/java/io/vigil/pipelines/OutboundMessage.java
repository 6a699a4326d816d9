package io.vigil.pipelines;

/**
 * A message a pipeline sends: a result for the upstream consumers, or a dead letter for the plant
 * side (raw payloads never go upstream).
 *
 * @param destination which side of the gateway the message is for
 * @param topic the topic to publish to
 * @param payload the payload (JSON)
 * @param qos delivery quality: 0 at most once, 1 at least once
 * @param retain whether the broker keeps it as the topic's last value
 * @param windowClosedAtMicros for a result, when the window it reports on closed ({@link
 *     ModelInput#closedAtMicros}); {@code 0} for other messages. The sink measures the result
 *     latency from it.
 */
public record OutboundMessage(
        Destination destination,
        String topic,
        byte[] payload,
        int qos,
        boolean retain,
        long windowClosedAtMicros) {

    /** A message that reports on no window: a dead letter, a command. */
    public OutboundMessage(
            Destination destination, String topic, byte[] payload, int qos, boolean retain) {
        this(destination, topic, payload, qos, retain, 0L);
    }

    /** Which broker a message is for. */
    public enum Destination {
        /** The upstream broker, where dashboards read results. */
        UPSTREAM,
        /** The plant broker, for dead letters and status that stay on site. */
        PLANT
    }
}
