package io.vigil.pipelines.internal.decode;

import java.util.EnumSet;
import java.util.Set;
import org.eclipse.tahu.message.model.MessageType;

/**
 * Where a Sparkplug B message comes from, as its topic says: {@code spBv1.0/<group>/<message
 * type>/<edge node>[/<device>]}, or a host application's {@code spBv1.0/STATE/<host>}.
 *
 * @param group the group id; null for STATE
 * @param type the message type
 * @param edgeNode the edge node id; null for STATE
 * @param device the device id of a device message (DBIRTH, DDATA, ...), null otherwise
 */
record SparkplugTopic(String group, MessageType type, String edgeNode, String device) {

    /** The first level of every Sparkplug B topic. */
    static final String NAMESPACE = "spBv1.0";

    private static final String SHAPE =
            NAMESPACE + "/<group>/<message type>/<edge node>[/<device>]";

    // Tahu's MessageType also has NRECORD and DRECORD, which are Tahu's own and not Sparkplug B.
    private static final Set<MessageType> SPARKPLUG_TYPES =
            EnumSet.of(
                    MessageType.NBIRTH,
                    MessageType.NDATA,
                    MessageType.NDEATH,
                    MessageType.NCMD,
                    MessageType.DBIRTH,
                    MessageType.DDATA,
                    MessageType.DDEATH,
                    MessageType.DCMD);

    private static final String[] LEVEL_NAMES = {
        "namespace", "group id", "message type", "edge node id", "device id"
    };

    /**
     * Reads a topic.
     *
     * @throws IllegalArgumentException when {@code topic} is not a Sparkplug B topic; its message
     *     says why
     */
    static SparkplugTopic parse(String topic) {
        String[] levels = topic.split("/", -1);
        if (!levels[0].equals(NAMESPACE)) {
            throw new IllegalArgumentException(
                    "not a Sparkplug B topic: expected " + SHAPE + ", found '" + topic + "'");
        }
        if (levels.length >= 2 && levels[1].equals("STATE")) {
            return new SparkplugTopic(null, MessageType.STATE, null, null);
        }
        if (levels.length < 4 || levels.length > 5) {
            throw problem(topic, "has " + levels.length + " levels, expected 4 or 5");
        }
        MessageType type = typeNamed(levels[2]);
        if (type == null) {
            throw problem(
                    topic,
                    "unknown message type '" + levels[2] + "', expected one of " + SPARKPLUG_TYPES);
        }
        if (type.isDeviceMessage() && levels.length == 4) {
            throw problem(topic, type + " is a device message and needs a device id");
        }
        if (type.isEdgeNodeMessage() && levels.length == 5) {
            throw problem(topic, type + " is an edge node message and takes no device id");
        }
        for (int i = 1; i < levels.length; i++) {
            if (levels[i].isEmpty()) {
                throw problem(topic, "empty " + LEVEL_NAMES[i]);
            }
        }
        return new SparkplugTopic(
                levels[1], type, levels[3], type.isDeviceMessage() ? levels[4] : null);
    }

    /** The asset the message's readings belong to: its device, or else its edge node. */
    String asset() {
        return device != null ? device : edgeNode;
    }

    /**
     * One string per edge node, for maps keyed by it. Ids cannot contain '/', being topic levels,
     * so no two edge nodes share a key.
     */
    String nodeKey() {
        return group + "/" + edgeNode;
    }

    /**
     * The message and its sender, for error messages: {@code DDATA from group 'g', edge node 'n',
     * device 'd'}.
     */
    String describe() {
        String node = type + " from group '" + group + "', edge node '" + edgeNode + "'";
        return device == null ? node : node + ", device '" + device + "'";
    }

    private static MessageType typeNamed(String level) {
        for (MessageType type : SPARKPLUG_TYPES) {
            if (type.name().equals(level)) {
                return type;
            }
        }
        return null;
    }

    private static IllegalArgumentException problem(String topic, String detail) {
        return new IllegalArgumentException(
                "Sparkplug B topic '" + topic + "': " + detail + " (" + SHAPE + ")");
    }
}
