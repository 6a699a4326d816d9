package io.vigil.pipelines.internal.decode;

import com.google.protobuf.InvalidProtocolBufferException;
import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.OutboundMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;

/**
 * Reads Eclipse Sparkplug B: protobuf payloads on {@code spBv1.0/<group>/<message type>/<edge
 * node>[/<device>]}, decoded with Eclipse Tahu. Each input channel reads one metric, by name; the
 * asset is the device of a device message, else the edge node.
 *
 * <p>Births (NBIRTH for an edge node, DBIRTH for a device) declare each metric's name, alias and
 * datatype; data messages (NDATA, DDATA) may then give a metric by alias alone and leave out its
 * datatype. An NBIRTH starts a new session of its edge node: it replaces the node's declarations
 * and forgets its devices', which the node births again after it, as the specification requires. A
 * DDEATH forgets its device's, an NDEATH the whole node's (unless its bdSeq shows it is the late
 * will of an earlier connection). Values in births are readings like those in data messages.
 * Commands (NCMD, DCMD) and host STATE messages carry no readings and are skipped.
 *
 * <p>A data metric that no birth of the current session declares, or any metric of a device or edge
 * node that has none, is rejected, and the decoder asks the edge node for a rebirth (an NCMD with
 * {@code Node Control/Rebirth = true}, sent through {@link Readings#command}), at most once per
 * edge node per 5 s of arrival time.
 *
 * <p>The declarations live in memory only. The pipeline runs one Sparkplug decoder, so it sees
 * every message of every node. After a restart the tables are empty: the first data message of each
 * node is rejected and brings a rebirth, which is how a Sparkplug host is meant to recover, so no
 * checkpointed state is needed.
 *
 * <p>Sequence numbers are not checked. A gap means lost messages, which a rebirth cannot bring
 * back; declarations change only with births, and a lost birth shows anyway as an undeclared alias
 * or device, which requests a rebirth. A rebirth on every gap would only multiply births on a lossy
 * link.
 *
 * <p>Not thread-safe: one instance per operator subtask.
 */
public final class SparkplugDecoder implements PayloadDecoder {

    private static final Set<MetricDataType> NUMBERS =
            Set.of(
                    MetricDataType.Int8,
                    MetricDataType.Int16,
                    MetricDataType.Int32,
                    MetricDataType.Int64,
                    MetricDataType.UInt8,
                    MetricDataType.UInt16,
                    MetricDataType.UInt32,
                    MetricDataType.UInt64,
                    MetricDataType.Float,
                    MetricDataType.Double);

    private final int inputs;
    private final Map<String, int[]> inputsOfMetric = new HashMap<>();
    private final Map<String, SparkplugNode> nodes = new HashMap<>();
    private final SparkplugRebirths rebirths = new SparkplugRebirths();
    private final MetricValues metricValues = new MetricValues();

    /**
     * @param metricNames the metric each input channel reads, in the order of the pipeline's
     *     inputs; two channels may read the same metric
     * @param pipeline the pipeline's name, for error messages
     * @throws IllegalArgumentException when a channel names no metric
     */
    public SparkplugDecoder(List<String> metricNames, String pipeline) {
        Map<String, List<Integer>> inputsByName = new HashMap<>();
        for (int i = 0; i < metricNames.size(); i++) {
            String name = metricNames.get(i);
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(
                        "Pipeline '" + pipeline + "': input " + i + " names no Sparkplug metric.");
            }
            inputsByName.computeIfAbsent(name, n -> new ArrayList<>()).add(i);
        }
        inputsByName.forEach(
                (name, list) ->
                        inputsOfMetric.put(
                                name, list.stream().mapToInt(Integer::intValue).toArray()));
        this.inputs = metricNames.size();
    }

    /** How many rebirth requests this decoder has sent. */
    public long rebirthRequests() {
        return rebirths.requests();
    }

    @Override
    public void decode(InboundMessage message, Readings out) {
        SparkplugTopic topic;
        try {
            topic = SparkplugTopic.parse(message.topic());
        } catch (IllegalArgumentException e) {
            out.reject(e.getMessage());
            return;
        }
        if (topic.type().isCommand() || topic.type() == MessageType.STATE) {
            return;
        }
        Payload payload;
        try {
            payload = Payload.parseFrom(message.payload());
        } catch (InvalidProtocolBufferException e) {
            out.reject("not a Sparkplug B payload: " + e.getMessage());
            return;
        }
        long receivedAt = message.receivedAtMillis();
        switch (topic.type()) {
            case NBIRTH, DBIRTH -> readBirth(topic, payload, receivedAt, out);
            case NDATA, DDATA -> readData(topic, payload, receivedAt, out);
            case NDEATH -> {
                SparkplugNode node = nodes.get(topic.nodeKey());
                if (node != null && node.endedBy(bdSeq(payload))) {
                    nodes.remove(topic.nodeKey());
                }
            }
            case DDEATH -> {
                SparkplugNode node = nodes.get(topic.nodeKey());
                if (node != null) {
                    node.deviceDied(topic.device());
                }
            }
            default -> throw new IllegalStateException("SparkplugTopic let through " + topic);
        }
    }

    private void readBirth(SparkplugTopic topic, Payload payload, long receivedAt, Readings out) {
        SparkplugBirth birth = new SparkplugBirth();
        List<Payload.Metric> declared = new ArrayList<>();
        for (Payload.Metric metric : payload.getMetricsList()) {
            String problem = birth.declare(metric);
            if (problem == null) {
                declared.add(metric);
            } else {
                out.reject(topic.describe() + ": " + problem);
            }
        }
        if (topic.device() == null) {
            nodes.put(topic.nodeKey(), new SparkplugNode(birth, bdSeq(payload)));
        } else {
            nodes.computeIfAbsent(topic.nodeKey(), key -> new SparkplugNode(null, null))
                    .deviceBorn(topic.device(), birth);
        }
        read(topic, declared, timestampOf(payload, receivedAt), birth, out);
    }

    private void readData(SparkplugTopic topic, Payload payload, long receivedAt, Readings out) {
        SparkplugNode node = nodes.get(topic.nodeKey());
        SparkplugBirth birth = node == null ? null : node.birthOf(topic.device());
        List<Payload.Metric> undeclared =
                read(topic, payload.getMetricsList(), timestampOf(payload, receivedAt), birth, out);
        if (birth != null && undeclared.isEmpty()) {
            return;
        }
        OutboundMessage rebirth = rebirths.request(topic, receivedAt);
        if (rebirth != null) {
            out.command(rebirth);
        }
        String birthType = topic.device() == null ? "NBIRTH" : "DBIRTH";
        String scope = topic.device() == null ? "edge node" : "device";
        String why =
                birth == null
                        ? "the " + scope + " has had no " + birthType + " in this session"
                        : "not declared in the " + scope + "'s " + birthType;
        String then =
                rebirth != null
                        ? "rebirth requested"
                        : "rebirth already requested less than "
                                + SparkplugRebirths.QUIET_MILLIS / 1000
                                + " s ago";
        for (Payload.Metric metric : undeclared) {
            out.reject(
                    topic.describe()
                            + ": metric "
                            + label(metric, null)
                            + ": "
                            + why
                            + "; "
                            + then);
        }
    }

    /**
     * Emits one reading per distinct timestamp of the metrics that {@code birth} declares and a
     * channel reads, in time order, and counts the metrics no channel reads.
     *
     * @param payloadTime the time of a metric that has none of its own
     * @param birth the declarations that apply, null when there are none
     * @return the metrics {@code birth} does not declare
     */
    private List<Payload.Metric> read(
            SparkplugTopic topic,
            List<Payload.Metric> metrics,
            long payloadTime,
            SparkplugBirth birth,
            Readings out) {
        Map<Long, float[]> byTime = new TreeMap<>();
        List<Payload.Metric> undeclared = new ArrayList<>();
        for (Payload.Metric metric : metrics) {
            String name = birth == null ? null : birth.nameOf(metric);
            if (name == null) {
                undeclared.add(metric);
                continue;
            }
            int[] channels = inputsOfMetric.get(name);
            if (channels == null) {
                out.unused();
                continue;
            }
            Value value = valueOf(metric, birth.datatypeOf(metric, name), birth);
            if (value.problem() != null) {
                out.reject(
                        topic.describe()
                                + ": metric "
                                + label(metric, name)
                                + " "
                                + value.problem());
                continue;
            }
            long time = metric.hasTimestamp() ? metric.getTimestamp() : payloadTime;
            float[] values = byTime.computeIfAbsent(time, t -> absent());
            for (int channel : channels) {
                values[channel] = value.number();
            }
        }
        byTime.forEach((time, values) -> out.reading(topic.asset(), time, values));
        return undeclared;
    }

    private Value valueOf(Payload.Metric metric, MetricDataType type, SparkplugBirth birth) {
        if (metric.getIsNull()) {
            return Value.none("is null");
        }
        if (type == MetricDataType.Unknown) {
            return Value.none("has unknown datatype " + metric.getDatatype());
        }
        if (type != MetricDataType.Boolean && !NUMBERS.contains(type)) {
            return Value.none("is a " + type + ", not a number or boolean");
        }
        Object decoded;
        try {
            decoded = metricValues.decode(metric, birth.datatypes());
        } catch (Exception e) {
            return Value.none("cannot be decoded as " + type + ": " + e);
        }
        if (decoded instanceof Boolean flag) {
            return Value.of(flag ? 1f : 0f);
        }
        double number = ((Number) decoded).doubleValue();
        if (!Double.isFinite(number)) {
            return Value.none("is " + number + ", not a finite number");
        }
        if (!Float.isFinite((float) number)) {
            return Value.none("is " + number + ", beyond the range of a float");
        }
        return Value.of((float) number);
    }

    private float[] absent() {
        float[] values = new float[inputs];
        Arrays.fill(values, Float.NaN);
        return values;
    }

    private static long timestampOf(Payload payload, long receivedAt) {
        return payload.hasTimestamp() ? payload.getTimestamp() : receivedAt;
    }

    /** The bdSeq metric of an NBIRTH or NDEATH, which ties the two to one MQTT connection. */
    private static Long bdSeq(Payload payload) {
        for (Payload.Metric metric : payload.getMetricsList()) {
            if ("bdSeq".equals(metric.getName())) {
                if (metric.hasLongValue()) {
                    return metric.getLongValue();
                }
                if (metric.hasIntValue()) {
                    return Integer.toUnsignedLong(metric.getIntValue());
                }
            }
        }
        return null;
    }

    /** A metric, for messages: {@code 'Temperature' (alias 7)}, or {@code alias 7}. */
    private static String label(Payload.Metric metric, String name) {
        String known = name != null ? name : metric.hasName() ? metric.getName() : null;
        String alias = metric.hasAlias() ? "alias " + metric.getAlias() : null;
        if (known == null) {
            return alias != null ? alias : "without name or alias";
        }
        return "'" + known + "'" + (alias != null ? " (" + alias + ")" : "");
    }

    /**
     * Tahu's conversion of one metric's value. Tahu's payload decoder drops a metric it cannot
     * convert, leaving only a log line; converting metric by metric lets this decoder reject it, by
     * name, instead.
     */
    private static final class MetricValues extends SparkplugBPayloadDecoder {

        /** The value, as Tahu types it: a Number or Boolean for the types a channel can read. */
        Object decode(Payload.Metric metric, MetricDataTypeMap datatypes) throws Exception {
            return convertMetric(metric, datatypes, null).getValue();
        }
    }

    /** A metric's value as a float, or why it has none. */
    private record Value(float number, String problem) {

        static Value of(float number) {
            return new Value(number, null);
        }

        static Value none(String problem) {
            return new Value(Float.NaN, problem);
        }
    }
}
