package io.vigil.pipelines.internal.decode;

import io.vigil.pipelines.OutboundMessage;
import io.vigil.pipelines.OutboundMessage.Destination;
import java.io.IOException;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.tahu.SparkplugInvalidTypeException;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder;

/**
 * Asks edge nodes to publish their births again: an NCMD with the boolean metric {@value
 * #REBIRTH_METRIC} = true, which every Sparkplug edge node must answer with an NBIRTH and the
 * DBIRTHs of its devices. At most one request per edge node per {@value #QUIET_MILLIS} ms of
 * arrival time: a node may take a while to answer, and each of its data messages in the meantime
 * would otherwise ask again.
 */
final class SparkplugRebirths {

    /** The shortest time between two requests to one edge node, in ms of arrival time. */
    static final long QUIET_MILLIS = 5_000;

    /** The metric of an NCMD that asks for a rebirth. */
    static final String REBIRTH_METRIC = "Node Control/Rebirth";

    private final SparkplugBPayloadEncoder encoder = new SparkplugBPayloadEncoder();
    private final Map<String, Long> lastRequestAt = new HashMap<>();
    private long requests;

    /**
     * The request to send to the edge node of {@code topic}, or null when one went to it less than
     * {@link #QUIET_MILLIS} before.
     *
     * @param topic the topic of the message that calls for a rebirth
     * @param nowMillis the arrival time of that message, epoch ms
     */
    OutboundMessage request(SparkplugTopic topic, long nowMillis) {
        Long last = lastRequestAt.get(topic.nodeKey());
        if (last != null && nowMillis - last < QUIET_MILLIS) {
            return null;
        }
        lastRequestAt.put(topic.nodeKey(), nowMillis);
        requests++;
        String commandTopic =
                SparkplugTopic.NAMESPACE + "/" + topic.group() + "/NCMD/" + topic.edgeNode();
        return new OutboundMessage(Destination.PLANT, commandTopic, payload(nowMillis), 0, false);
    }

    /** How many requests {@link #request} has returned. */
    long requests() {
        return requests;
    }

    private byte[] payload(long nowMillis) {
        Date now = new Date(nowMillis);
        try {
            // Tahu stamps a metric with the wall clock unless told otherwise.
            Metric rebirth =
                    new MetricBuilder(REBIRTH_METRIC, MetricDataType.Boolean, true)
                            .timestamp(now)
                            .createMetric();
            return encoder.getBytes(
                    new SparkplugBPayloadBuilder()
                            .setTimestamp(now)
                            .addMetric(rebirth)
                            .createPayload(),
                    false);
        } catch (SparkplugInvalidTypeException | IOException e) {
            // A Boolean value always has the Boolean type, and the encoder writes to memory.
            throw new IllegalStateException("Cannot encode a Sparkplug B rebirth request", e);
        }
    }
}
